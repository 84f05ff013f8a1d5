/**
 * pulumi-managed-hsm: what users import in their Pulumi programs. The emulator is a separate entry point,
 * `pulumi-managed-hsm/emulator`, so a program never loads a web server or a database driver.
 */
export { ManagedHsm, type ManagedHsmArgs, HsmKey, type HsmKeyArgs, HsmRoleAssignment, type HsmRoleAssignmentArgs, RESOURCE_MODULE } from "./resources";
export { ManagedHsmProvider, HsmKeyProvider, HsmRoleAssignmentProvider } from "../provider/providers";
export { resolveConfig, type ProviderConfig, DEFAULT_ENDPOINT, SETTINGS as CONFIG_SETTINGS } from "../provider/config";
export { AzureApiError, AzureTransportError } from "../provider/http/errors";
export { loopbackLookup } from "../provider/http/loopback";
export * from "../model/api-versions";
export * from "../model/limits";
export * from "../model/names";
export * from "../model/rules";
export { CONTROL_PLANE_ROLES, DATA_PLANE_ROLES, CONTROL_ACTIONS, DATA_ACTIONS, DEFAULT_IDENTITY, findRole, type RoleDefinition } from "../model/roles";
export * as wire from "./wire";
export * from "./functions";
