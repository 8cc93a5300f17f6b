/** @fileoverview npm package and JavaScript analysis: per-file facts, manifest facts, and the package judge. */
export { analyseJavaScript, MAX_AST_CHARS, type JsFacts, type JsSite, type ExecSite, type NetworkSite, type CredentialSite, type WriteSite, type DynamicCodeSite, type RequireEdge, type ObfuscationFacts, type EncodedString, type ArgumentKind } from './javascript.js'
export { readManifest, INSTALL_SCRIPTS, type ManifestFacts, type InstallScript, type ScriptStep, type StepKind } from './manifest.js'
export { judgePackage, type PackageInput, type BinaryFile } from './package.js'
export { npmRules } from './rules.js'
export { analyseScriptFile, isScriptFile, type ScriptFileFacts } from './script-file.js'
