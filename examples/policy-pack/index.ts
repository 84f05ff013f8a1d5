import { PolicyPack } from "@pulumi/policy";
import { mhsmPolicies } from "pulumi-managed-hsm/policy";

// Every guardrail of pulumi-managed-hsm; configure them in a policy config file (see README).
new PolicyPack("mhsm-guardrails", { policies: mhsmPolicies });
