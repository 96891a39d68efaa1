// Types of fake-gcloud.mjs, for harness.ts.
export interface FakeGcloudAnswer {
  readonly exit: number;
  readonly stdout?: string;
  readonly stderr?: string;
}
/** One call of the fake; undefined when it never answers (FAKE_GCLOUD_HANG). */
export declare function answer(argv: string[], env: Record<string, string | undefined>): FakeGcloudAnswer | undefined;
