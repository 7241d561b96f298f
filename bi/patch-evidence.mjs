// Evidence's universal-sql runs DuckDB-Wasm at build time (merging the sources' parquet files) and in the browser.
// DuckDB-Wasm from 1.29 on loads its parquet extension from the network at first use, which this project may not
// reach; 1.28.0 (pinned by "overrides" in package.json) has parquet built in. Its DuckDB (0.9) already behaves as
// the two settings below ask and does not know them, so they are removed. Idempotent; fails loudly if the files
// changed shape. Run by `make bi` after `npm ci`.
import fs from 'node:fs';

const files = [
	'node_modules/@evidence-dev/universal-sql/src/client-duckdb/node.js',
	'node_modules/@evidence-dev/universal-sql/src/client-duckdb/browser.js'
];
const settings = [
	"await connection.query('SET ieee_floating_point_ops = false;');",
	"await connection.query('SET old_implicit_casting = true;');"
];
for (const file of files) {
	let text = fs.readFileSync(file, 'utf-8');
	for (const line of settings) {
		const patched = `/* nianbao: DuckDB-Wasm 1.28 */ // ${line}`;
		if (text.includes(patched)) continue;
		if (!text.includes(line)) {
			console.error(`patch-evidence: ${file} no longer has: ${line}`);
			process.exit(1);
		}
		text = text.replace(line, patched);
	}
	fs.writeFileSync(file, text);
}
for (const dir of ['node_modules', 'node_modules/@evidence-dev/universal-sql/node_modules']) {
	const manifest = `${dir}/@duckdb/duckdb-wasm/package.json`;
	if (!fs.existsSync(manifest)) continue;
	const wasm = JSON.parse(fs.readFileSync(manifest, 'utf-8')).version;
	if (wasm !== '1.28.0') {
		console.error(`patch-evidence: ${manifest} is ${wasm}, expected the override 1.28.0`);
		process.exit(1);
	}
}
console.log('patch-evidence: DuckDB-Wasm 1.28.0, universal-sql patched');
