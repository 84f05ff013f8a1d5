/**
 * The api-versions the emulator answers to. A request with any other version is refused the way Azure
 * refuses it, so a client pinned to an unknown version finds out locally, not in production.
 */
export const CONTROL_PLANE_API_VERSIONS = [
  "2021-10-01",
  "2022-07-01",
  "2023-02-01",
  "2023-07-01",
  "2024-11-01",
  "2025-05-01",
  "2026-02-01",
] as const;

/** Key Vault's data plane moved to date versions after 7.6; @azure/keyvault-keys 4.10 sends 2025-07-01. */
export const DATA_PLANE_API_VERSIONS = ["7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01"] as const;

/** Microsoft.Authorization (control-plane role assignments and definitions). */
export const AUTHORIZATION_API_VERSIONS = ["2015-07-01", "2018-01-01-preview", "2018-09-01-preview", "2020-04-01-preview", "2020-10-01-preview", "2022-04-01"] as const;

/** What the project's own clients send. */
export const DEFAULT_CONTROL_PLANE_API_VERSION = "2024-11-01";
export const DEFAULT_DATA_PLANE_API_VERSION = "7.5";

export type Plane = "control" | "data";
