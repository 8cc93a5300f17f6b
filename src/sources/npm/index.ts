export { isPackageSpec, parsePackageSpec, type PackageSpec } from './spec.js'
export { DEFAULT_REGISTRY, loadRegistryConfig, type RegistryConfig } from './npmrc.js'
export { fetchTarball, gitUrlOf, repositoryOf, resolvePackage, selectVersion, type FetchOptions, type ResolvedPackage } from './registry.js'
