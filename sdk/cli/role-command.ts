import { Command } from "commander";
import * as fn from "../functions";
import { ROLE_COLUMNS } from "./keyvault-command";
import { outputOption, subscriptionOption } from "./output";
import { type CommonOptions, action, functionOptions } from "./run";

type Opts = CommonOptions & { role?: string; assigneeObjectId?: string; scope?: string; name?: string };

/** `mhsm role assignment ...`: Azure RBAC on the control plane, as `az role assignment ...`. */
export function roleCommand(): Command {
  const role = new Command("role").description("Manage Azure RBAC role assignments on the control plane (Azure CLI compatible).");
  const assignment = role.command("assignment").description("Role assignments at a subscription, resource group or HSM scope.");
  const sub = (name: string, description: string) =>
    assignment
      .command(name)
      .description(description)
      .addOption(subscriptionOption())
      .addOption(outputOption())
      .option("--role <role>", "Owner, Contributor, Reader or Managed HSM contributor (name or id)")
      .option("--assignee-object-id <id>", "object id of the principal")
      .option("--scope <scope>", "/subscriptions/{id}[/resourceGroups/{rg}[/providers/Microsoft.KeyVault/managedHSMs/{name}]] (default: the subscription)");
  sub("create", "Assign a role.")
    .option("-n, --name <guid>", "name of the assignment (generated when omitted)")
    .action(
      action<Opts>(
        (o) => {
          if (!o.role || !o.assigneeObjectId) throw Object.assign(new Error("the following arguments are required: --role, --assignee-object-id"), { code: "ArgumentError" });
          const scope = o.scope ?? `/subscriptions/${o.subscription ?? fn.currentSubscription()}`;
          return fn.createRoleAssignment({ scope, role: o.role, principalId: o.assigneeObjectId, ...(o.name ? { name: o.name } : {}) }, functionOptions(o));
        },
        { columns: ROLE_COLUMNS },
      ),
    );
  sub("list", "List role assignments.").action(
    action<Opts>((o) => fn.listRoleAssignments({ ...(o.scope ? { scope: o.scope } : {}), ...(o.assigneeObjectId ? { principalId: o.assigneeObjectId } : {}) }, functionOptions(o)), { columns: ROLE_COLUMNS }),
  );
  sub("delete", "Delete role assignments by name, or by role and assignee at a scope.")
    .option("-n, --name <guid>", "name of the assignment")
    .action(
      action<Opts>(
        (o) => fn.deleteRoleAssignments({ ...(o.scope ? { scope: o.scope } : {}), ...(o.assigneeObjectId ? { principalId: o.assigneeObjectId } : {}), ...(o.role ? { role: o.role } : {}), ...(o.name ? { name: o.name } : {}) }, functionOptions(o)),
        { columns: ROLE_COLUMNS },
      ),
    );
  return role;
}
