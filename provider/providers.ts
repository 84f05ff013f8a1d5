import type * as pulumi from "@pulumi/pulumi";
import { type ProviderContext, contextFrom } from "./context";
import * as hsm from "./resources/managed-hsm/operations";
import * as key from "./resources/hsm-key/operations";
import * as role from "./resources/hsm-role-assignment/resource";

/**
 * The dynamic providers. Each is a thin object whose methods call the operations modules: serialized
 * into a stack's state, such a provider is a few lines that `require` this package, not a copy of it.
 * Configuration comes from `configure` (stack config `mhsm:*`), with the environment as a fallback.
 */
abstract class ConfiguredProvider {
  protected ctx: ProviderContext | undefined;

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.ctx?.client.close();
    this.ctx = contextFrom((k) => req.config.get(k));
  }

  protected context(): ProviderContext {
    if (!this.ctx) this.ctx = contextFrom();
    return this.ctx;
  }
}

type Props = Record<string, unknown>;

export class ManagedHsmProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return hsm.check(this.context(), olds, news);
  }
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return hsm.diff(olds, news);
  }
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    return hsm.create(this.context(), inputs);
  }
  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
    return hsm.read(this.context(), id, props ?? {});
  }
  update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return hsm.update(this.context(), olds, news);
  }
  delete(_id: string, props: Props): Promise<void> {
    return hsm.remove(this.context(), props);
  }
}

export class HsmKeyProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return key.check(this.context(), olds, news);
  }
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return key.diff(olds, news);
  }
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    return key.create(this.context(), inputs);
  }
  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
    return key.read(this.context(), id, props ?? {});
  }
  update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return key.update(this.context(), olds, news);
  }
  delete(_id: string, props: Props): Promise<void> {
    return key.remove(this.context(), props);
  }
}

export class HsmRoleAssignmentProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return role.check(this.context(), olds, news);
  }
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return role.diff(olds, news);
  }
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    return role.create(this.context(), inputs);
  }
  read(id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> {
    return role.read(this.context(), id, props ?? {});
  }
  delete(_id: string, props: Props): Promise<void> {
    return role.remove(this.context(), props);
  }
}
