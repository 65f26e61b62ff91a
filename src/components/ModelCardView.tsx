import type { ModelCard } from '../core/models/card';
import { ScrollBox } from './ScrollBox';
import { formatCount, formatPercent } from '../core/format';

/** The model card as a user reads it: what it is, how it was trained, how well it does, what its weights hash to. */
export function ModelCardView({ card }: { card: ModelCard }) {
  return (
    <section className="model-card" aria-label={`model card ${card.id}`}>
      <h2>{card.name}</h2>
      <p>{card.description}</p>
      <dl className="facts">
        <dt>Test accuracy</dt>
        <dd data-testid="card-test-accuracy">
          {formatPercent(card.metrics.testAccuracy, 2)} ({card.metrics.testCorrect} / {card.training.testSize})
        </dd>
        <dt>Train accuracy</dt>
        <dd>{formatPercent(card.metrics.trainAccuracy, 2)}</dd>
        <dt>Parameters</dt>
        <dd>{formatCount(card.parameters)}</dd>
        <dt>Input</dt>
        <dd>
          [{card.input.shape.join(', ')}] in [{card.input.range.join(', ')}]: {card.input.description}
        </dd>
        <dt>Output</dt>
        <dd>{card.output}</dd>
        <dt>Training</dt>
        <dd>
          {card.training.data}; split seed {card.training.splitSeed}; {card.training.epochs} epochs, batch {card.training.batchSize}, {card.training.optimizer}{' '}
          lr {card.training.learningRate} ({card.training.schedule}), seed {card.training.seed}, augmentation: {card.training.augmentation};{' '}
          {card.training.seconds} s on {card.training.backend}
        </dd>
        <dt>Weights</dt>
        <dd>
          {card.weights.files.map((f) => (
            <div key={f.path}>
              {f.path}, {(f.bytes / 1024).toFixed(0)} KiB, sha256 <code className="hash">{f.sha256}</code>
            </div>
          ))}
        </dd>
      </dl>
      <ScrollBox label="layers table">
        <table className="layers">
          <thead>
            <tr>
              <th>Layer</th>
              <th>Type</th>
              <th>Output shape</th>
              <th className="num">Params</th>
            </tr>
          </thead>
          <tbody>
            {card.architecture.layers.map((layer) => (
              <tr key={layer.name}>
                <td>{layer.name}</td>
                <td>{layer.type}</td>
                <td>{layer.outputShape}</td>
                <td className="num">{formatCount(layer.params)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}
