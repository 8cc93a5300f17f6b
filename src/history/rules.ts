import type { RuleInfo } from '../rules/types.js'

/** The findings `stagelight history` can report, for `stagelight rules` and SARIF metadata. */
export const historyRules: RuleInfo[] = [
  {
    id: 'history/rapid-trust-escalation',
    title: 'Rapid trust escalation',
    short: 'A newcomer gained commit access and release powers and touched sensitive areas within a short time, while the established maintainers faded',
    motivation:
      'The XZ Utils takeover (CVE-2024-3094) followed this path over two years: small patches, then committing others’ work, then tagging and signing releases, then build-system, CI and test-data changes and a disabled sandbox check. Each step looks harmless; together they are the pattern.',
    remediation: 'Review the timeline: who vouched for the newcomer, what the sensitive changes did, whether releases were reproduced from their tags (stagelight verify), and whether the long-standing maintainers are still reachable.',
    defaultSeverity: 'high',
    defaultConfidence: 'medium',
  },
  {
    id: 'history/release-manager-change',
    title: 'Release-manager change',
    short: 'Releases are now tagged or signed by a different person or key than before',
    motivation: 'Whoever tags and signs releases decides what users run. A new release manager or a new signing key is a trust decision that downstream users rarely notice.',
    remediation: 'Confirm the handover with the previous release manager or the project’s announcements, and pin the new key only after checking it out of band.',
    defaultSeverity: 'low',
    defaultConfidence: 'high',
  },
  {
    id: 'history/single-point-of-failure',
    title: 'Single point of failure',
    short: 'One person does most of the work and all of the releases',
    motivation: 'With a bus factor of one sustained over time, or only one person who has ever released, the project depends on one person’s time, health and goodwill — and is the easiest target for pressure or takeover.',
    remediation: 'Support the maintainer, look for a co-maintainer with release history, or plan for a fork or an alternative.',
    defaultSeverity: 'low',
    defaultConfidence: 'high',
  },
  {
    id: 'history/maintainer-fatigue',
    title: 'Maintainer fatigue',
    short: 'A long-standing maintainer’s activity dropped sharply against their own past, or went silent, while the load stays concentrated',
    motivation: 'Tired maintainers are the opening for "helpful" newcomers and pressure campaigns; a fading maintainer also reviews less of what lands.',
    remediation: 'Check whether the maintainer still reviews changes and releases; consider funding or helping the project.',
    defaultSeverity: 'low',
    defaultConfidence: 'medium',
  },
  {
    id: 'history/weakened-defence',
    title: 'Weakened defence',
    short: 'A change removed hardening or sanitizer flags, made a sandbox check impossible, disabled tests or fuzzing, or changed the security contact',
    motivation: 'Disabling a defence is how a backdoor makes room for itself: XZ’s Landlock check was broken by a single added dot, and its OSS-Fuzz build had ifunc disabled.',
    remediation: 'Read the change and its discussion; restore the defence unless the reason is documented and convincing.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  {
    id: 'history/power-event',
    title: 'Power event',
    short: 'An identity gained a power for the first time: commit access, release tagging, a new signing key',
    motivation: 'The ledger of who gained which power when is the raw material of every trust decision about a project.',
    remediation: 'Nothing to do by itself; read it alongside the patterns.',
    defaultSeverity: 'info',
    defaultConfidence: 'high',
  },
  {
    id: 'history/shallow-history',
    title: 'Shallow history',
    short: 'The repository is a shallow clone, so the project’s beginnings and first events are unknown',
    motivation: 'Identity ages, first commits and commit-access dates all depend on the full history.',
    remediation: 'Run on a full clone (git fetch --unshallow).',
    defaultSeverity: 'info',
    defaultConfidence: 'high',
  },
]
