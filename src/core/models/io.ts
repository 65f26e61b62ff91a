import * as tf from '@tensorflow/tfjs';
import { pushAll } from '../arrays';

/** The `model.json` of a tfjs Layers or graph model, as written by `model.save` and the converter. */
export interface LayersModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: object;
  /** Graph models only: names and shapes of the inputs and outputs, which tf.loadGraphModel maps execute() keys through. */
  signature?: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * Builds loadable artifacts from a model.json and its shard files (by path as named in the manifest), so one
 * loader serves Node scripts, tests and files the user picks. Throws a plain message when a shard is missing
 * or shorter than the manifest says.
 */
export function artifactsFromFiles(modelJson: LayersModelJson, shards: Map<string, ArrayBuffer>): tf.io.ModelArtifacts {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of modelJson.weightsManifest) {
    pushAll(weightSpecs, group.weights);
    for (const path of group.paths) {
      const buffer = shards.get(path);
      if (!buffer) throw new Error(`The weight file "${path}" named in model.json is missing. Add it next to model.json.`);
      buffers.push(buffer);
    }
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expectedBytes = weightSpecs.reduce((n, spec) => n + bytesOf(spec), 0);
  if (weightData.byteLength !== expectedBytes) {
    throw new Error(
      `The weight files hold ${weightData.byteLength} bytes but model.json describes ${expectedBytes}: ` +
        'a shard is truncated or belongs to another model.',
    );
  }
  return { modelTopology: modelJson.modelTopology, weightSpecs, weightData, format: modelJson.format, signature: modelJson.signature };
}

/** Bytes one weight takes in its shard, quantized or not. */
export function bytesOf(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    return count * (spec.quantization.dtype === 'uint8' ? 1 : 2);
  }
  return count * (spec.dtype === 'bool' ? 1 : 4);
}

/** Captures what `model.save` produces, as a model.json object and one weights file. */
export async function serializeLayersModel(
  model: tf.LayersModel,
  weightsFileName = 'weights.bin',
): Promise<{ modelJson: LayersModelJson; weights: Uint8Array }> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.weightSpecs || !captured.weightData) throw new Error('The model produced no weights to save.');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: captured.generatedBy,
      convertedBy: null,
      modelTopology: captured.modelTopology as object,
      weightsManifest: [{ paths: [weightsFileName], weights: captured.weightSpecs }],
    },
    weights,
  };
}
