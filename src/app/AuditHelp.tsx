/** The side panel of the audit lab: what the suite does, and the command-line twin. */
export function AuditHelp() {
  return (
    <div className="model-card">
      <h2 className="visually-hidden">What the audit runs</h2>
      <p>
        Images: FGSM and PGD swept over L∞ budgets, DeepFool's minimal L2 changes, the Square attack with scores only, and how faithful a copy 400 to 1,000
        queries can steal.
      </p>
      <p>Text: character edits, Unicode tricks and word swaps, with and without the input normalizer, against an unaware and an adaptive attacker.</p>
      <p>
        Try it with a bundled model: download <a href={`${import.meta.env.BASE_URL}models/mnist-cnn/model.json`}>model.json</a> and{' '}
        <a href={`${import.meta.env.BASE_URL}models/mnist-cnn/weights.bin`}>weights.bin</a> of mnist-cnn, or paste the model.json address in the URL box.
      </p>
      <p>
        In CI: <code>npm run audit -- --model model.json --data images/ --min-robust-accuracy 0.5 --at-eps 0.1</code> exits 1 when the model misses the bar.
      </p>
    </div>
  );
}
