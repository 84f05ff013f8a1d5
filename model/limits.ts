/**
 * Managed HSM's numeric limits and defaults, stated once. The emulator enforces them and the provider
 * checks them at preview, so both read from here.
 */
export const SOFT_DELETE_RETENTION_DAYS = { min: 7, max: 90, default: 90 } as const;

/**
 * Sources disagree on the default (the newest spec says true, the soft-delete overview says off by
 * default); we follow the overview, as the reference file records.
 */
export const DEFAULT_PURGE_PROTECTION = false;

export const DEFAULT_SKU = { family: "B", name: "Standard_B1" } as const;
export const SKU_NAMES = ["Standard_B1", "Custom_B32", "Custom_B6", "Custom_C42", "Custom_C10"] as const;
export const SKU_FAMILIES = ["B", "C"] as const;

/** Page sizes: ARM's `$top` and the data plane's `maxresults` (1 to 25 in Key Vault's spec). */
export const ARM_PAGE = { default: 100, max: 1000 } as const;
export const DATA_PLANE_PAGE = { default: 25, min: 1, max: 25 } as const;

/** Key sizes and curves Managed HSM accepts per key type. */
export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export const OCT_KEY_SIZES = [128, 192, 256] as const;
export const EC_CURVES = ["P-256", "P-384", "P-521", "P-256K"] as const;
export const DEFAULT_RSA_KEY_SIZE = 2048;
export const DEFAULT_OCT_KEY_SIZE = 256;
export const DEFAULT_EC_CURVE = "P-256";

/** The largest request body the emulator reads; Azure refuses larger ARM bodies the same way. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const SECONDS_PER_DAY = 86_400;
export const MS_PER_DAY = SECONDS_PER_DAY * 1000;
