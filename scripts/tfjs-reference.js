// Runs a TFJS layers model with TFJS's own CPU backend on a .npy input and
// writes the result as .npy: the independent reference for the Keras
// importer's real-model checks.
//
//   NODE_PATH=.cache/npm-keras/node_modules \
//     node scripts/tfjs-reference.js model.json input.npy output.npy
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.toString('latin1', start, start + hlen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(`${file}: expected little-endian float32, C order`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start + hlen,
                                                 buf.byteOffset + buf.length));
  return {shape, data};
}

function writeNpy(file, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [modelPath, inputPath, outputPath] = process.argv.slice(2);
  if (!outputPath) {
    console.error('usage: tfjs-reference.js model.json input.npy output.npy');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const dir = path.dirname(modelPath);
  const weightSpecs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const model = await tf.loadLayersModel(
      tf.io.fromMemory({modelTopology: json.modelTopology, weightSpecs, weightData}));
  const input = readNpy(inputPath);
  const x = tf.tensor(input.data, input.shape, 'float32');
  const t0 = Date.now();
  const y = model.predict(x);
  const data = await y.data();
  console.error(`tfjs-reference: ${path.basename(modelPath)} ${input.shape.join('x')} -> ` +
                `${y.shape.join('x')} in ${Date.now() - t0} ms (tfjs ${tf.version.tfjs}, ${tf.getBackend()})`);
  writeNpy(outputPath, y.shape, Float32Array.from(data));
}
main().catch(e => { console.error(`tfjs-reference: ${e.message}`); process.exit(1); });
