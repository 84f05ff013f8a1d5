/**
 * Azure's role model for both planes, stated once: the actions each operation needs, the built-in roles
 * with their real ids and permissions, and how a permission pattern matches an action. The emulator
 * enforces it; the provider and the CLI use the same names and ids.
 */

/** Control-plane (Azure RBAC) actions the emulator's routes need. */
export const CONTROL_ACTIONS = {
  hsmRead: "Microsoft.KeyVault/managedHSMs/read",
  hsmWrite: "Microsoft.KeyVault/managedHSMs/write",
  hsmDelete: "Microsoft.KeyVault/managedHSMs/delete",
  deletedHsmList: "Microsoft.KeyVault/deletedManagedHsms/read",
  deletedHsmRead: "Microsoft.KeyVault/locations/deletedManagedHsms/read",
  deletedHsmPurge: "Microsoft.KeyVault/locations/deletedManagedHsms/purge/action",
  operationRead: "Microsoft.KeyVault/locations/managedHsmOperationResults/read",
  checkName: "Microsoft.KeyVault/checkMhsmNameAvailability/read",
  roleAssignmentRead: "Microsoft.Authorization/roleAssignments/read",
  roleAssignmentWrite: "Microsoft.Authorization/roleAssignments/write",
  roleAssignmentDelete: "Microsoft.Authorization/roleAssignments/delete",
  roleDefinitionRead: "Microsoft.Authorization/roleDefinitions/read",
} as const;

const MHSM = "Microsoft.KeyVault/managedHsm";

/** Data-plane actions of an HSM's local RBAC. */
export const DATA_ACTIONS = {
  keyRead: `${MHSM}/keys/read/action`,
  keyWrite: `${MHSM}/keys/write/action`,
  keyCreate: `${MHSM}/keys/create`,
  keyDelete: `${MHSM}/keys/delete`,
  keyImport: `${MHSM}/keys/import/action`,
  keyRotate: `${MHSM}/keys/rotate/action`,
  keyExport: `${MHSM}/keys/export/action`,
  keyBackup: `${MHSM}/keys/backup/action`,
  keyRestore: `${MHSM}/keys/restore/action`,
  deletedKeyRead: `${MHSM}/keys/deletedKeys/read/action`,
  deletedKeyRecover: `${MHSM}/keys/deletedKeys/recover/action`,
  deletedKeyPurge: `${MHSM}/keys/deletedKeys/delete`,
  roleAssignmentRead: `${MHSM}/roleAssignments/read/action`,
  roleAssignmentWrite: `${MHSM}/roleAssignments/write/action`,
  roleAssignmentDelete: `${MHSM}/roleAssignments/delete/action`,
  roleDefinitionRead: `${MHSM}/roleDefinitions/read/action`,
  securityDomain: `${MHSM}/securitydomain/*`,
  backup: `${MHSM}/backup/*`,
  restore: `${MHSM}/restore/*`,
} as const;

export interface RoleDefinition {
  id: string;
  name: string;
  description: string;
  actions: readonly string[];
  notActions: readonly string[];
  dataActions: readonly string[];
  notDataActions: readonly string[];
}

export const CONTROL_PLANE_ROLES: readonly RoleDefinition[] = [
  {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    name: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: [],
    dataActions: [],
    notDataActions: [],
  },
  {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    name: "Contributor",
    description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
    actions: ["*"],
    notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"],
    dataActions: [],
    notDataActions: [],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    name: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: ["*/read"],
    notActions: [],
    dataActions: [],
    notDataActions: [],
  },
  {
    id: "18500a29-7fe2-46b2-a342-b16a415e101d",
    name: "Managed HSM contributor",
    description: "Lets you manage managed HSM pools, but not access to them.",
    actions: [
      "Microsoft.KeyVault/managedHSMs/*",
      "Microsoft.KeyVault/deletedManagedHsms/read",
      "Microsoft.KeyVault/locations/deletedManagedHsms/read",
      "Microsoft.KeyVault/locations/deletedManagedHsms/purge/action",
      "Microsoft.KeyVault/locations/managedHsmOperationResults/read",
    ],
    notActions: [],
    dataActions: [],
    notDataActions: [],
  },
];

const D = DATA_ACTIONS;
const ROLE_MANAGEMENT = [D.roleAssignmentRead, D.roleAssignmentWrite, D.roleAssignmentDelete, D.roleDefinitionRead];

export const DATA_PLANE_ROLES: readonly RoleDefinition[] = [
  {
    id: "a290e904-7015-4bba-90c8-60543313cdb4",
    name: "Managed HSM Administrator",
    description: "Security domain, full backup and restore, and role management. No key management operations.",
    actions: [],
    notActions: [],
    dataActions: [...ROLE_MANAGEMENT, `${MHSM}/roleDefinitions/write/action`, `${MHSM}/roleDefinitions/delete/action`, D.securityDomain, D.backup, D.restore],
    notDataActions: [],
  },
  {
    id: "515eb02d-2335-4d2d-92f2-b1cbdf9c3778",
    name: "Managed HSM Crypto Officer",
    description: "Role management, purge or recover deleted keys, and export keys. No other key management operations.",
    actions: [],
    notActions: [],
    dataActions: [...ROLE_MANAGEMENT, D.deletedKeyRead, D.deletedKeyRecover, D.deletedKeyPurge, D.keyExport],
    notDataActions: [],
  },
  {
    id: "21dbd100-6940-42c2-9190-5d6cb909625b",
    name: "Managed HSM Crypto User",
    description: "Every key management operation except purge or recover of deleted keys and export of keys.",
    actions: [],
    notActions: [],
    dataActions: [
      D.keyRead,
      D.keyWrite,
      D.keyCreate,
      D.keyDelete,
      D.keyImport,
      D.keyRotate,
      D.keyBackup,
      D.keyRestore,
      D.deletedKeyRead,
      D.roleAssignmentRead,
      D.roleDefinitionRead,
      `${MHSM}/keys/encrypt/action`,
      `${MHSM}/keys/decrypt/action`,
      `${MHSM}/keys/wrap/action`,
      `${MHSM}/keys/unwrap/action`,
      `${MHSM}/keys/sign/action`,
      `${MHSM}/keys/verify/action`,
    ],
    notDataActions: [],
  },
  {
    id: "4bd23610-cdcf-4971-bdee-bdc562cc28e4",
    name: "Managed HSM Policy Administrator",
    description: "Create and delete role assignments.",
    actions: [],
    notActions: [],
    dataActions: [...ROLE_MANAGEMENT],
    notDataActions: [],
  },
  {
    id: "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3",
    name: "Managed HSM Crypto Auditor",
    description: "Read key attributes (not use keys), list deleted keys.",
    actions: [],
    notActions: [],
    dataActions: [D.keyRead, D.deletedKeyRead, D.roleAssignmentRead, D.roleDefinitionRead],
    notDataActions: [],
  },
];

export type RolePlane = "control" | "data";

export function rolesOf(plane: RolePlane): readonly RoleDefinition[] {
  return plane === "control" ? CONTROL_PLANE_ROLES : DATA_PLANE_ROLES;
}

const GUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** A built-in role by its name (any case), its id, or a full role-definition id ending in the id. */
export function findRole(plane: RolePlane, nameOrId: string): RoleDefinition | undefined {
  const id = GUID_AT_END.exec(nameOrId)?.[1]?.toLowerCase();
  return rolesOf(plane).find((r) => (id ? r.id === id : r.name.toLowerCase() === nameOrId.toLowerCase()));
}

/** Azure's permission patterns: case-insensitive, `*` matches any run of characters (including `/`). */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return regex.test(action);
}

export function permits(role: RoleDefinition, action: string, kind: "action" | "dataAction"): boolean {
  const allow = kind === "action" ? role.actions : role.dataActions;
  const deny = kind === "action" ? role.notActions : role.notDataActions;
  return allow.some((p) => actionMatches(p, action)) && !deny.some((p) => actionMatches(p, action));
}

/** Whether an assignment at `assignmentScope` covers `targetScope`: the same scope or one of its parents. */
export function scopeCovers(assignmentScope: string, targetScope: string): boolean {
  const a = assignmentScope.replace(/\/+$/, "").toLowerCase();
  const t = targetScope.replace(/\/+$/, "").toLowerCase();
  return a === "" || t === a || t.startsWith(`${a}/`);
}

/** The default identity of an emulator started without a principals file (see design.md). */
export const DEFAULT_IDENTITY = {
  tenantId: "11111111-1111-1111-1111-111111111111",
  clientId: "mhsm-dev",
  clientSecret: "mhsm-dev-secret",
  objectId: "33333333-3333-3333-3333-333333333333",
  displayName: "mhsm default identity",
} as const;

/** Token audiences: what a client asks for (`{audience}/.default`) and what each plane accepts. */
export const ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"] as const;
export const MANAGED_HSM_AUDIENCE = "https://managedhsm.azure.net";
