import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { TalentClient } from '../../talent/client';
import { mapWithConcurrency } from './pool';

/** The Talent operations a reconcile run uses. */
export type ReconcileTalent = Pick<
  TalentClient,
  | 'listAllUsers'
  | 'listGroups'
  | 'getUser'
  | 'createUsers'
  | 'updateUsersGroups'
  | 'updateUser'
  | 'deleteUser'
  | 'createGroup'
>;

/** Page size for the user and group lists. The reference documents no maximum. */
const LIST_PAGE_SIZE = 200;

/** Returns the name of every Talent group, walking the pages of `listGroups`. */
export async function listAllGroupNames(talent: Pick<ReconcileTalent, 'listGroups'>): Promise<string[]> {
  const names: string[] = [];
  for (let pageNumber = 1; ; pageNumber += 1) {
    const page = await talent.listGroups({ pageNumber, limit: LIST_PAGE_SIZE });
    names.push(...page.groups.map((group) => group.name));
    if (page.groups.length === 0 || pageNumber >= page.pageCount) return names;
  }
}

/** Returns every Talent user, walking the pages of `listUsers`. */
export async function listAllTalentUsers(talent: Pick<ReconcileTalent, 'listAllUsers'>) {
  const users = [];
  for await (const user of talent.listAllUsers(LIST_PAGE_SIZE)) users.push(user);
  return users;
}

/**
 * Reads the groups of the given users with one `getUser` call each, `concurrency` at a time, because
 * the user list carries none and Talent has no endpoint that lists a group's members. Returns groups
 * by lower-case e-mail; a user deleted meanwhile is left out.
 */
export async function readUserGroups(
  talent: Pick<ReconcileTalent, 'getUser'>,
  emails: readonly string[],
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  let done = 0;
  await mapWithConcurrency(emails, concurrency, async (email) => {
    const user = await talent.getUser(email);
    if (user) groups.set(email.toLowerCase(), user.groups);
    done += 1;
    onProgress?.(done, emails.length);
  });
  return groups;
}

/**
 * Returns the lower-case addresses that the state table records for synced people. It scans the
 * whole table, reading only the `email` attribute.
 */
export async function readKnownEmails(
  tableName: string,
  client?: DynamoDBDocumentClient,
): Promise<Set<string>> {
  const documents = client ?? DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const emails = new Set<string>();
  const pages = paginateScan(
    { client: documents },
    {
      TableName: tableName,
      ProjectionExpression: 'email',
      FilterExpression: 'begins_with(pk, :person) AND attribute_exists(email)',
      ExpressionAttributeValues: { ':person': 'person#' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (typeof item.email === 'string') emails.add(item.email.toLowerCase());
    }
  }
  return emails;
}
