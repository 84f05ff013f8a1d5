/** A refusal from Azure (or the emulator), with Azure's code and message. */
export class AzureApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly azureMessage: string,
    readonly method: string,
    readonly url: string,
    readonly innerCode?: string,
  ) {
    super(`${code}: ${azureMessage} (HTTP ${status} from ${method} ${new URL(url).pathname})`);
    this.name = "AzureApiError";
  }
}

/** A failure to reach the service at all, after retries. */
export class AzureTransportError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = "AzureTransportError";
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof AzureApiError && err.status === 404;
}
