// Placeholder: replaced by the shared API-server setup. CLUSTERCTL_TS_UNIT_ONLY=1 skips servers.
export function setup(): void {}
