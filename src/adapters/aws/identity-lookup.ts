/** Maps a grantee to their Identity Store user id, the principal of an Identity Center assignment. */
import { GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { unlessMissing } from './errors.js';

/**
 * Looks the person up by UserName first (organisations commonly use the email as the user name),
 * then by primary email. GetUserId accepts both as unique attributes, in AWS and in moto.
 * Undefined when neither matches: the caller turns that into a diagnostic.
 */
export async function resolveIdentityStoreUserId(
  client: IdentitystoreClient,
  identityStoreId: string,
  emailOrUserName: string,
): Promise<string | undefined> {
  for (const attributePath of ['userName', 'emails.value']) {
    const found = await unlessMissing(
      client.send(
        new GetUserIdCommand({
          IdentityStoreId: identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: emailOrUserName } },
        }),
      ),
      'ResourceNotFoundException',
    );
    if (found?.UserId) return found.UserId;
  }
  return undefined;
}
