/** The parts of IAM ARNs gitgrant needs. Pure. */

export interface IamArn {
  partition: string;
  account: string;
  /** `user`, `role` or `policy`. */
  kind: string;
  /** Path with leading and trailing slash (`/` when none). */
  path: string;
  name: string;
}

const IAM_ARN = /^arn:([a-z-]+):iam::(\d{12}):(user|role|policy)(\/(?:[^/]+\/)*)?([^/]+)$/;

/** Parses `arn:<partition>:iam::<account>:<kind>/<path...>/<name>`; undefined when it is not one. */
export function parseIamArn(arn: string): IamArn | undefined {
  const match = IAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, account, kind, rawPath, name] = match;
  const path = !rawPath || rawPath === '/' ? '/' : rawPath;
  return { partition: partition!, account: account!, kind: kind!, path, name: name! };
}

export function iamArn(parts: IamArn): string {
  return `arn:${parts.partition}:iam::${parts.account}:${parts.kind}${parts.path}${parts.name}`;
}
