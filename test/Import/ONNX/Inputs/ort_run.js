// Runs an ONNX model with onnxruntime-node (the independent reference):
//   node ort_run.js MODULES_DIR model.onnx out0.npy [out1.npy ...] -- in0.npy [in1.npy ...]
// Inputs are bound to the model's inputs in order; float32 .npy only.
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesDir, modelPath, ...rest] = process.argv.slice(2);
const ort = require(path.join(modulesDir, 'onnxruntime-node'));
const sep = rest.indexOf('--');
const outPaths = rest.slice(0, sep), inPaths = rest.slice(sep + 1);

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(file + ': not .npy');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(file + ': expected little-endian float32, C order');
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',')
      .map(s => s.trim()).filter(s => s.length).map(Number);
  const off = hstart + hlen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length));
  return new ort.Tensor('float32', data, shape);
}

function writeNpy(file, tensor) {
  const shape = '(' + tensor.dims.join(', ') + (tensor.dims.length === 1 ? ',)' : ')');
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ', }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(new Float32Array(tensor.data).buffer);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

(async () => {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
  const feeds = {};
  session.inputNames.forEach((name, k) => { feeds[name] = readNpy(inPaths[k]); });
  const t0 = process.hrtime.bigint();
  const results = await session.run(feeds);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  session.outputNames.forEach((name, k) => { if (k < outPaths.length) writeNpy(outPaths[k], results[name]); });
  console.log('onnxruntime-node ' + ort.env.versions.common + ': ran in ' + ms.toFixed(1) + ' ms');
})().catch(e => { console.error('ort_run: ' + e.message); process.exit(1); });
