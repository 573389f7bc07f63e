// Unpacks one of nsfwjs's browserify-bundled TFJS layers models into the
// files the TFJS converter would have written: model.json + binary shards.
//
//   node scripts/extract-nsfwjs-model.js SRC_DIR OUT_DIR
//
// SRC_DIR holds model.min.js (require() gives the model.json object) and one
// group1-shardKofN.min.js per shard the manifest names (require() gives the
// shard as base64).
'use strict';
const fs = require('fs');
const path = require('path');

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: extract-nsfwjs-model.js SRC_DIR OUT_DIR');
  process.exit(2);
}
const model = require(path.resolve(src, 'model.min.js'));
if (!model.modelTopology || !Array.isArray(model.weightsManifest)) {
  console.error(`${src}: not the expected nsfwjs model bundle`);
  process.exit(1);
}
fs.mkdirSync(out, {recursive: true});
// Write to temporaries and rename, so an interrupted run leaves nothing half.
const renames = [];
let total = 0;
for (const group of model.weightsManifest) {
  group.paths = group.paths.map(p => {
    const shard = require(path.resolve(src, `${p}.min.js`));
    if (typeof shard !== 'string') {
      console.error(`${src}/${p}.min.js: not a base64 weight shard`);
      process.exit(1);
    }
    const bytes = Buffer.from(shard, 'base64');
    total += bytes.length;
    fs.writeFileSync(path.join(out, `${p}.bin.tmp`), bytes);
    renames.push(`${p}.bin`);
    return `${p}.bin`;
  });
}
// Pretty-printed, so diagnostics that quote a line stay readable.
fs.writeFileSync(path.join(out, 'model.json.tmp'), JSON.stringify(model, null, 1));
renames.push('model.json');
for (const f of renames)
  fs.renameSync(path.join(out, `${f}.tmp`), path.join(out, f));
console.log(`extract-nsfwjs-model: ${out}/model.json (+ ${total} bytes of weights)`);
