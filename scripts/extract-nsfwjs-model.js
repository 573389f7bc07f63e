// Unpacks nsfwjs's browserify-bundled TFJS layers model into the files the
// TFJS converter would have written: model.json + a binary weight shard.
//
//   node scripts/extract-nsfwjs-model.js SRC_DIR OUT_DIR
//
// SRC_DIR holds model.min.js (require() gives the model.json object) and
// group1-shard1of1.min.js (require() gives the shard as base64).
'use strict';
const fs = require('fs');
const path = require('path');

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: extract-nsfwjs-model.js SRC_DIR OUT_DIR');
  process.exit(2);
}
const model = require(path.resolve(src, 'model.min.js'));
const shard = require(path.resolve(src, 'group1-shard1of1.min.js'));
if (!model.modelTopology || !model.weightsManifest || typeof shard !== 'string') {
  console.error(`${src}: not the expected nsfwjs model bundle`);
  process.exit(1);
}
const bytes = Buffer.from(shard, 'base64');
const group = model.weightsManifest[0];
group.paths = ['group1-shard1of1.bin'];
fs.mkdirSync(out, {recursive: true});
// Write to temporaries and rename, so an interrupted run leaves nothing half.
fs.writeFileSync(path.join(out, 'group1-shard1of1.bin.tmp'), bytes);
fs.writeFileSync(path.join(out, 'model.json.tmp'), JSON.stringify(model));
fs.renameSync(path.join(out, 'group1-shard1of1.bin.tmp'),
              path.join(out, 'group1-shard1of1.bin'));
fs.renameSync(path.join(out, 'model.json.tmp'), path.join(out, 'model.json'));
console.log(`extract-nsfwjs-model: ${out}/model.json (+ ${bytes.length} bytes of weights)`);
