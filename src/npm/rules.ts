/** @fileoverview Metadata of the npm package rules (what `stagelight rules` lists, SARIF rule metadata). */
import type { RuleInfo } from '../rules/types.js'

export const INSTALL_SCRIPT = 'npm/install-script'
export const INSTALL_TIME_CAPABILITY = 'npm/install-time-capability'
export const DYNAMIC_CODE = 'npm/dynamic-code-execution'
export const OBFUSCATED_CODE = 'npm/obfuscated-code'
export const CREDENTIAL_EXFILTRATION = 'npm/credential-exfiltration'
export const REMOTE_SCRIPT_INSTALL = 'npm/remote-script-install'
export const BUNDLED_EXECUTABLE = 'npm/bundled-executable'
export const INSTALL_CHAIN = 'npm/install-chain'
export const DATA_EXFILTRATION = 'npm/data-exfiltration'
export const REMOTE_CODE = 'npm/remote-code-execution'
export const GLOBAL_HOOK = 'npm/global-hook'
export const DESTRUCTIVE_PAYLOAD = 'npm/destructive-payload'
export const PERSISTENCE = 'npm/persistence-or-tampering'
export const REMOTE_DEPENDENCY = 'npm/remote-dependency'

export const npmRules: readonly RuleInfo[] = [
  {
    id: INSTALL_SCRIPT,
    title: 'Install-time script',
    short: 'The package runs code when it is installed (preinstall, install, postinstall, prepare).',
    motivation:
      'Lifecycle scripts run with the installing user’s rights before anyone has used, reviewed or even imported the package; nearly every malicious npm package starts there. Native build steps (node-gyp, prebuild-install, node-pre-gyp) are the common honest reason.',
    remediation: 'Read the script and every file it runs; install with --ignore-scripts when the package does not need them.',
    defaultSeverity: 'low',
    defaultConfidence: 'high',
  },
  {
    id: INSTALL_TIME_CAPABILITY,
    title: 'Install-time network, process or secret access',
    short: 'Code that runs at install time talks to the network, runs processes or reads credentials or the environment.',
    motivation:
      'Downloading a platform binary at install time is common (esbuild, sharp, puppeteer), but the same capabilities are how install-time malware fetches its second stage, runs it, and sends secrets away.',
    remediation: 'Check every host contacted and every command run; prefer packages that ship binaries as optional platform dependencies.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
  {
    id: DYNAMIC_CODE,
    title: 'Execution of decoded or computed code',
    short: 'eval, Function, vm or require run a string that is decoded (base64, hex, char codes, reversed, XOR) or computed at run time.',
    motivation:
      'Decoding a string and executing it hides the code from every reader and scanner; honest code generators build source in the open and do not decode it first.',
    remediation: 'Decode the argument by hand (print instead of executing) and review what would run.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: OBFUSCATED_CODE,
    title: 'Obfuscated code',
    short: 'javascript-obfuscator signatures (_0x identifiers, rotated string arrays) or minified code outside build output.',
    motivation: 'Published source rarely needs to be unreadable; obfuscation outside dist/ bundles is how payloads are hidden from review.',
    remediation: 'Compare with the package’s repository; deobfuscate the file (e.g. with a deobfuscator or a beautifier) and review it.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  {
    id: CREDENTIAL_EXFILTRATION,
    title: 'Credentials and network together',
    short: 'Credential files, secret environment variables or the whole environment are read where data is also sent over the network.',
    motivation:
      'Stealing npm, GitHub, cloud and SSH credentials from developer machines and CI is the main goal of malicious packages (shai-hulud, the ua-parser-js and eslint-scope compromises).',
    remediation: 'Treat secrets on machines that installed the package as exposed: rotate them, then review where the data goes.',
    defaultSeverity: 'high',
    defaultConfidence: 'medium',
  },
  {
    id: REMOTE_SCRIPT_INSTALL,
    title: 'Install script runs downloaded code',
    short: 'An install script pipes a download into a shell or interpreter, or runs a file it downloaded.',
    motivation: 'What runs is decided by a server at install time, not by the published package: no review of the package covers it.',
    remediation: 'Do not install; fetch the script by hand and review it, or ask the maintainers to ship the code in the package.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: BUNDLED_EXECUTABLE,
    title: 'Bundled native executable',
    short: 'The package ships ELF, PE or Mach-O executables.',
    motivation: 'Native executables cannot be reviewed like source and can do anything once run; prebuilt binaries are normal only for packages that exist to provide them.',
    remediation: 'Check the binaries come from the project’s own reproducible builds (checksums, provenance) and who runs them.',
    defaultSeverity: 'low',
    defaultConfidence: 'high',
  },
  {
    id: INSTALL_CHAIN,
    title: 'Obfuscated install-time payload',
    short: 'An install script reaches code that both hides itself (obfuscation, decoded execution) and uses the network, processes or credentials.',
    motivation:
      'Each link alone has honest uses; together — runs on install, hides what it does, and reaches out or reads secrets — they are the shape of install-time malware.',
    remediation: 'Do not install. Review each link listed, in order, replacing execution by printing; rotate credentials on machines that installed it.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: DATA_EXFILTRATION,
    title: 'Secrets or host identity sent over the network',
    short: 'Data from the environment, credential files, key material, host identity or secrets found in files reaches a network call, a network stream or a DNS look-up.',
    motivation:
      'Reading the environment or a token is ordinary, and so is calling the network; the value flowing from one into the other is what stealing is. At install time, or hidden by obfuscation, it has no honest reading; at load time it is serious when it runs on import or carries key material.',
    remediation: 'Rotate every secret that was on the machines that ran it, then follow the flow shown to its destination.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: REMOTE_CODE,
    title: 'Runs code it fetched, or hands out a shell',
    short: 'eval/Function/vm of data received from the network, a download made executable and run, a download piped into a shell, a reverse shell, Windows download-and-run tools.',
    motivation: 'What runs is decided by a server when the package is installed or loaded, not by the published code: no review of the package covers it.',
    remediation: 'Do not install. Fetch what it would run by hand and review it; treat machines that ran it as compromised.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: GLOBAL_HOOK,
    title: 'Replaces global network, wallet or module-loader functions',
    short: 'Assigns over fetch, XMLHttpRequest, window.ethereum, require.extensions or Module.prototype._compile.',
    motivation: 'A replaced global sees every request, every wallet transaction or every loaded module: the crypto-clippers of 2025 swapped wallet addresses this way. Instrumentation SDKs wrap fetch too, so hooks weigh by what comes with them (wallet addresses, concealment).',
    remediation: 'Read the replacement function; a library has no reason to change wallet calls or responses.',
    defaultSeverity: 'high',
    defaultConfidence: 'medium',
  },
  {
    id: DESTRUCTIVE_PAYLOAD,
    title: 'Destructive payload',
    short: 'Recursive deletion or overwriting of fixed paths when loaded, often behind a date or location condition, or a module that never finishes loading.',
    motivation: 'Protestware and time bombs (node-ipc 2022, colors 2022) destroy data or hang every program that loads them; a library that deletes a fixed path on import, or only in some countries or after some date, has no honest reading.',
    remediation: 'Pin the last good version and review the condition and the paths.',
    defaultSeverity: 'high',
    defaultConfidence: 'medium',
  },
  {
    id: PERSISTENCE,
    title: 'Writes startup files, SSH keys or other programs’ code',
    short: 'Writes to authorized_keys, shell start-up files, or into other installed packages and applications.',
    motivation: 'Planting an SSH key or a start-up command keeps access after the package is gone; patching another package or an application (a wallet’s app.asar) makes its code run the payload.',
    remediation: 'Check and restore the written files; remove keys and start-up lines you did not add.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: REMOTE_DEPENDENCY,
    title: 'Dependency fetched from a URL outside the registry',
    short: 'A dependency is given as an http(s) URL: npm fetches and installs (and runs the scripts of) whatever that server returns.',
    motivation: 'Remote dynamic dependencies hid the payload of the PhantomRaven packages (2025) from every registry scanner: the package itself was empty.',
    remediation: 'Replace the URL with a registry version; fetch the URL by hand and review it.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
]

export const ruleInfo = (id: string): RuleInfo => {
  const info = npmRules.find((r) => r.id === id)
  if (!info) throw new Error(`unknown npm rule ${id}`)
  return info
}
