/** `pulumi-managed-hsm/policy`: the policy pack's policies and a testing API (needs `@pulumi/policy`). */
export * from "./policies";
export * from "./testing";
