import type { RuleInfo } from '../rules/types.js'

/** What `stagelight canary` reports; listed with the other rules' metadata. */
export const canaryRules: RuleInfo[] = [
  {
    id: 'canary/slower',
    title: 'Candidate is slower',
    short: 'The candidate takes more wall time, CPU time or instructions than the baseline, beyond the tolerance, with a confidence interval excluding it.',
    motivation: 'The XZ Utils backdoor was noticed because sshd logins cost about half a second more CPU. A release that does more work for the same input may be doing something new.',
    remediation: 'Profile both versions on this workload (perf, callgrind) and account for the extra work in the changes between them before adopting the candidate.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: 'canary/more-memory',
    title: 'Candidate uses more memory',
    short: 'The candidate’s peak resident memory exceeds the baseline’s beyond the tolerance, with a confidence interval excluding it.',
    motivation: 'Unexplained growth in memory can reveal new code paths, payloads unpacked at run time or leaks.',
    remediation: 'Compare heap profiles of both versions and explain the growth from the changes.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
  {
    id: 'canary/inconclusive',
    title: 'Measurement inconclusive',
    short: 'The confidence interval crosses the tolerance: the measurements are too noisy to say whether the candidate is slower.',
    motivation: 'A noisy measurement is not evidence of no change; reporting it as a pass would hide exactly the small slowdowns worth looking at.',
    remediation: 'Run again with more --runs, on a quieter machine, with a longer workload, or with --instructions for a deterministic count.',
    defaultSeverity: 'medium',
    defaultConfidence: 'low',
  },
  {
    id: 'canary/new-process',
    title: 'Candidate executes a new program',
    short: 'Under strace, the candidate executes a program the baseline never executed.',
    motivation: 'Libraries and packages rarely need to start new programs; a new shell, downloader or compiler in a new version is a classic payload stage.',
    remediation: 'Find the code that starts it (the evidence lines give the arguments) and confirm it is an intended change.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: 'canary/new-network',
    title: 'Candidate opens new network connections',
    short: 'Under strace, the candidate creates sockets, connects to addresses or makes DNS queries the baseline never did.',
    motivation: 'Exfiltration and second-stage downloads need the network; a build, test or install step that starts talking to the network is suspicious.',
    remediation: 'Identify the destination and the code that contacts it; block the network when running untrusted versions.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: 'canary/new-file-write',
    title: 'Candidate writes or deletes files outside its directory',
    short: 'Under strace, the candidate writes, creates, renames or deletes files outside the working directory that the baseline never touched.',
    motivation: 'Persistence (shell profiles, SSH keys, cron, other packages) and tampering require writing outside the project.',
    remediation: 'Inspect the files named in the evidence and the code that writes them.',
    defaultSeverity: 'high',
    defaultConfidence: 'high',
  },
  {
    id: 'canary/new-env-read',
    title: 'Candidate reads a process environment',
    short: 'Under strace, the candidate reads /proc/*/environ, which the baseline never did (getenv() itself is not observable by strace).',
    motivation: 'Credential stealers read the environment of their own or other processes to find tokens.',
    remediation: 'Check which variables the code needs and why it reads the environment block directly.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  {
    id: 'canary/new-memcheck-error',
    title: 'New memory error under valgrind',
    short: 'valgrind memcheck reports an error in the candidate (invalid read or write, uninitialised use, definite leak) that the baseline does not have.',
    motivation: 'The XZ backdoor also surfaced as valgrind errors in the patched liblzma; new memory errors are either bugs or tampering.',
    remediation: 'Reproduce under valgrind with debug symbols and fix or explain the error.',
    defaultSeverity: 'high',
    defaultConfidence: 'medium',
  },
  {
    id: 'canary/exit-status',
    title: 'Candidate exits differently',
    short: 'The candidate’s exit status differs from the baseline’s on the same workload.',
    motivation: 'A workload that stops working is not comparable, and a changed result is a behaviour difference in itself.',
    remediation: 'Check that both commands run the same workload successfully before comparing them.',
    defaultSeverity: 'medium',
    defaultConfidence: 'high',
  },
]

export const canaryRule = (id: string): RuleInfo => {
  const rule = canaryRules.find((r) => r.id === id)
  if (!rule) throw new Error(`unknown canary rule ${id}`)
  return rule
}
