// Validate JSON documents against a JSON Schema (draft 2020-12) with ajv and ajv-formats,
// as a case system written in JavaScript would. Used by tests/model/test_contract.py.
//
// Usage: node validate.mjs SCHEMA.json < documents.jsonl
// Each input line is one JSON document; each output line is
// {"valid": true} or {"valid": false, "errors": [{"path": "/a/0", "message": "..."}]}.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
// strict: unknown keywords and formats are errors, as a careful client would set it
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const input = readFileSync(0, "utf8");
const out = [];
for (const line of input.split("\n")) {
  if (!line.trim()) continue;
  const valid = validate(JSON.parse(line));
  out.push(
    JSON.stringify(
      valid
        ? { valid: true }
        : {
            valid: false,
            errors: validate.errors.map((e) => ({ path: e.instancePath, message: e.message })),
          },
    ),
  );
}
process.stdout.write(out.join("\n") + "\n");
