/** @fileoverview What a condition asks about the environment it runs in. */

export type MarkerClass = 'packaging' | 'ci' | 'target'

const CI_NAMES = 'CI|CONTINUOUS_INTEGRATION|GITHUB_ACTIONS|GITHUB_WORKFLOW|GITHUB_RUN_ID|GITHUB_SHA|GITLAB_CI|CI_PIPELINE_ID|JENKINS_URL|JENKINS_HOME|TRAVIS|CIRCLECI|BUILDKITE|TF_BUILD|APPVEYOR|DRONE|TEAMCITY_VERSION|BITBUCKET_BUILD_NUMBER|CODEBUILD_BUILD_ID|CIRRUS_CI|SEMAPHORE|WOODPECKER_CI|OSS_FUZZ'

const MARKERS: readonly { readonly cls: MarkerClass; readonly pattern: RegExp }[] = [
  {
    cls: 'packaging',
    pattern:
      /debian\/(?:rules|control|changelog)\b|\bRPM_(?:ARCH|BUILD_ROOT|BUILD_DIR|PACKAGE_NAME|PACKAGE_VERSION|PACKAGE_RELEASE|OPT_FLAGS|OS|LD_FLAGS)\b|\bDEB_(?:BUILD|HOST|TARGET)_\w+|\bDEB_BUILD_OPTIONS\b|\bDPKG_\w+|\bdpkg-(?:buildpackage|architecture|parsechangelog|buildflags)\b|\brpmbuild\b|\w\.spec\b|%\{_(?:arch|target_cpu|build)\}|\bFAKEROOTKEY\b|\bDH_(?:VERBOSE|OPTIONS|INTERNAL\w*)\b|\/etc\/(?:debian_version|redhat-release|fedora-release|os-release|SuSE-release|lsb-release|arch-release|alpine-release)\b|\blsb_release\b|\bPKGBUILD\b|\bOBS_\w+|\bbuild\.opensuse\.org\b/,
  },
  { cls: 'ci', pattern: new RegExp(`\\$\\{?(?:${CI_NAMES})\\b|ENV\\{(?:${CI_NAMES})\\}|getenv\\(\\s*['"](?:${CI_NAMES})['"]|\\b(?:${CI_NAMES})\\s*[!=]=`) },
  {
    cls: 'target',
    pattern:
      /\$\{?(?:host|host_os|host_cpu|host_vendor|host_alias|build|build_os|build_cpu|build_vendor|build_alias|target|target_os|target_cpu|ac_cv_host|ac_cv_build|ac_cv_target|GCC|with_gnu_ld|lt_cv_prog_gnu_ld|ac_cv_c_compiler_gnu|ac_cv_prog_\w+|CC|LD|CXX)\b|\buname\b|\bCMAKE_(?:HOST_)?SYSTEM(?:_NAME|_PROCESSOR)?\b|\bCMAKE_\w*COMPILER_ID\b|\bCMAKE_LINKER\w*|(?:host|build|target)_machine\.|\.get_id\(\)|\bx86_64\b|\bamd64\b|\bi[3-6]86\b|-linux-gnu|\bglibc\b|__GLIBC__|\bGNU ld\b/,
  },
]

/** The classes of environment marker a condition's text mentions. */
export function markersIn(text: string): Set<MarkerClass> {
  const out = new Set<MarkerClass>()
  for (const m of MARKERS) if (m.pattern.test(text)) out.add(m.cls)
  return out
}
