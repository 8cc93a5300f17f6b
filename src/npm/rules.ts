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
]

export const ruleInfo = (id: string): RuleInfo => {
  const info = npmRules.find((r) => r.id === id)
  if (!info) throw new Error(`unknown npm rule ${id}`)
  return info
}
