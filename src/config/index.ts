/** clusterctl.yaml + environment + flags -> a typed configuration. */
export {
  certManagerDefaultTimeout,
  certManagerDefaultUrl,
  certManagerDefaultVersion,
  ConfigKeys,
  envNameFor,
  parseConfig,
  parseConfigText,
  parseGoDuration,
  type CertManagerConfig,
  type ClusterctlConfig,
  type ConfigInput,
} from './config.js';
export { expandEnv } from './expand.js';
export {
  allImagesKey,
  applyImageOverride,
  certManagerImageComponent,
  formatImageReference,
  parseImageOverrides,
  parseImageReference,
  resolveImageMeta,
  type ImageMeta,
  type ImageOverrides,
  type ImageReference,
} from './images.js';
export {
  configDownloadTimeoutMs,
  configFileExtensions,
  createConfig,
  downloadConfigFile,
  findDefaultConfigFile,
  type CreateConfigOptions,
} from './load.js';
export { resolveConfigPaths, type ConfigPaths, type PathOptions } from './paths.js';
export {
  builtInProvidersPath,
  compareProviders,
  coreProviderName,
  dns1123LabelError,
  dns1123SubdomainError,
  isProviderType,
  mergeProviders,
  parseBuiltInProviders,
  parseProviderRef,
  parseUserProviders,
  providerValidationError,
  readBuiltInProviders,
  splitProviderUrl,
  type ProviderRef,
} from './providers.js';
