// One engine of bench_peers.py in a fresh Node.js process (docxtemplater or Carbone).
//
// Usage: node peers_node.js ENGINE TEMPLATE DATA.json OUT_DIR WARM
// Writes OUT_DIR/first.docx and prints "first" as soon as it is written (the parent takes
// the time from the process's start to that line), then renders WARM documents in memory,
// writes the last one to OUT_DIR/last.docx and prints one JSON line:
// {"warm_ms": [...], "warm_cpu_ms": [...]} (wall and process CPU time per document).
"use strict";
const fs = require("fs");
const path = require("path");

const [engine, template, dataFile, outDir, warmText] = process.argv.slice(2);
const data = JSON.parse(fs.readFileSync(dataFile, "utf8"));
const warm = Number(warmText);

function docxtemplaterEngine() {
  const PizZip = require("pizzip");
  const Docxtemplater = require("docxtemplater");
  const content = fs.readFileSync(template);
  return async () => {
    const doc = new Docxtemplater(new PizZip(content), { paragraphLoop: true, linebreaks: true });
    doc.render(data);
    return doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
  };
}

function carboneEngine() {
  // docx to docx needs no LibreOffice: prove it by making any conversion fail loudly
  const converter = require("carbone/lib/converter");
  converter.convertFile = () => {
    throw new Error("Carbone tried to convert with LibreOffice");
  };
  const carbone = require("carbone");
  return () =>
    new Promise((resolve, reject) => {
      carbone.render(template, data, {}, (err, result) => (err ? reject(err) : resolve(result)));
    });
}

async function main() {
  const render = engine === "docxtemplater" ? docxtemplaterEngine() : carboneEngine();
  fs.writeFileSync(path.join(outDir, "first.docx"), await render());
  process.stdout.write("first\n");
  const times = [];
  const cpu = [];
  let last = null;
  for (let i = 0; i < warm; i++) {
    const start = process.hrtime.bigint();
    const used = process.cpuUsage();
    last = await render();
    const spent = process.cpuUsage(used);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push((spent.user + spent.system) / 1000);
  }
  if (last) fs.writeFileSync(path.join(outDir, "last.docx"), last);
  process.stdout.write(JSON.stringify({ warm_ms: times, warm_cpu_ms: cpu }) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
