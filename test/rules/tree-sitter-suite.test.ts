/**
 * The rule test files again, with tree-sitter-bash loaded: plain shell then goes through the real
 * parser (tree-sitter.ts) instead of the lexer, and every expectation must still hold.
 */
import { loadShellGrammar, shellGrammarLoaded } from '../../src/rules/shell/tree-sitter.js'

await loadShellGrammar()
if (!shellGrammarLoaded()) throw new Error('tree-sitter-bash did not load')

await import('./binary-marker-grep.test.js')
await import('./byte-carving.test.js')
await import('./data-to-shell-pipeline.test.js')
await import('./environment-gating.test.js')
await import('./sed-as-cat.test.js')
await import('./test-data-read.test.js')
await import('./tr-obfuscation.test.js')
await import('./tr-sed.test.js')
await import('./engine.test.js')
await import('./benign.test.js')
