/**
 * What every AWS SDK client is built with. Endpoints come from the standard settings
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so the same code runs against AWS, moto or the
 * sandbox. Short timeouts: a hung connection must fail over to a retry while the Lambda has time left.
 */
export interface ClientOptions {
  region: string;
  /** Tests pass moto's URL explicitly instead of relying on the environment. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** A longer wait than production's 5 s, for a local stand-in that is slow where AWS is not. */
  requestTimeoutMs?: number;
  /** Fewer attempts than production's 3 (a stand-in that answers late, not never). */
  maxAttempts?: number;
}

export const commonClientConfig = (options: ClientOptions) => ({
  maxAttempts: options.maxAttempts ?? 3,
  // Without throwOnRequestTimeout the Node handler only logs a warning when requestTimeout passes and
  // keeps waiting: a response that never comes would hang the invocation until Lambda kills it.
  requestHandler: {
    connectionTimeout: 2_000,
    requestTimeout: options.requestTimeoutMs ?? 5_000,
    throwOnRequestTimeout: true,
  },
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
});
