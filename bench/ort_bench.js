// Times one ONNX model in onnxruntime-node.
//   node ort_bench.js MODEL.onnx SHAPE(e.g. 32x224x224x3) THREADS SECONDS [IN.bin OUT.bin]
// Prints {"ms_per_batch": median, "runs": n, "cpu_ms_per_batch": mean}. With IN.bin/OUT.bin it runs
// the model once on IN.bin's float32 data and writes the output's float32
// data to OUT.bin (for the correctness comparison).
const path = require("path");
const fs = require("fs");
// bench/install-onnxruntime.sh installs into .cache/npm-bench; the ONNX
// importer's scripts/fetch-npm-models.sh into .cache/npm-onnx; either works.
function findOrt() {
  const roots = [process.env.NETREWRITE_ORT_NODE_MODULES,
                 path.join(__dirname, "..", ".cache", "npm-bench", "node_modules"),
                 path.join(__dirname, "..", ".cache", "npm-onnx", "node_modules")];
  for (const r of roots)
    if (r && fs.existsSync(path.join(r, "onnxruntime-node", "package.json")))
      return require(path.join(r, "onnxruntime-node"));
  throw new Error("onnxruntime-node is not installed: run bench/install-onnxruntime.sh");
}
const ort = findOrt();

async function main() {
  const [model, shapeText, threads, seconds, inFile, outFile] = process.argv.slice(2);
  const shape = shapeText.split("x").map(Number);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    executionMode: "sequential", graphOptimizationLevel: "all",
  });
  const n = shape.reduce((a, b) => a * b, 1);
  let data = new Float32Array(n);
  if (inFile) {
    const buf = fs.readFileSync(inFile);
    data = new Float32Array(buf.buffer, buf.byteOffset, n);
  } else {
    let s = 12345;
    for (let i = 0; i < n; ++i) { s = (s * 1664525 + 1013904223) >>> 0; data[i] = (s >>> 8) / 16777216 - 0.5; }
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, shape) };
  let out = await session.run(feeds);
  if (outFile) {
    const y = out[session.outputNames[0]].data;
    fs.writeFileSync(outFile, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    return;
  }
  const times = [];
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  while (times.length < 3 || (Number(process.hrtime.bigint() - start) / 1e9 < Number(seconds) && times.length < 10000)) {
    const t0 = process.hrtime.bigint();
    out = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  // CPU time of the process (all its threads) per batch, like the rusage
  // figure bench/run.py takes for our executables: steadier than wall
  // clock on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ ms_per_batch: times[Math.floor(times.length / 2)], runs: times.length,
                               cpu_ms_per_batch: cpuMs }));
}
main().catch((e) => { console.error("error: " + e.message); process.exit(1); });
