import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { STAFF_ROLES, type StaffRole } from '../../functions/routes.ts';
import { type DemoUser, demoUsers } from './identity.ts';

// `tandem staff invite|list`: staff accounts in the deployed user pool (Cognito's SDK client), or
// the dev identity provider's users locally (the demo users and those invited into `.tandem/`).

/** A staff member as the commands show them. */
export interface StaffMember {
  /** The sign-in name: the e-mail address in Cognito, the demo user's name locally. */
  username: string;
  roles: StaffRole[];
  sites: string[];
}

export interface StaffDirectory {
  /** Creates the account (Cognito mails a temporary password) with one role and, for coordinators, sites. */
  invite(email: string, role: StaffRole, sites: readonly string[]): Promise<void>;
  list(): Promise<StaffMember[]>;
}

const byName = (a: StaffMember, b: StaffMember) =>
  a.username < b.username ? -1 : a.username > b.username ? 1 : 0;

/** The staff user pool through the SDK client it is given. */
export class CognitoStaffDirectory implements StaffDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async invite(email: string, role: StaffRole, sites: readonly string[]): Promise<void> {
    await this.client.send(
      new AdminCreateUserCommand({
        UserPoolId: this.userPoolId,
        Username: email,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          ...(sites.length > 0 ? [{ Name: 'custom:sites', Value: sites.join(',') }] : []),
        ],
      }),
    );
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: role }),
    );
  }

  async list(): Promise<StaffMember[]> {
    const members = new Map<string, StaffMember>();
    // One listing per role (group), each paged: the groups are the roles.
    for (const role of STAFF_ROLES) {
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new ListUsersInGroupCommand({
            UserPoolId: this.userPoolId,
            GroupName: role,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const user of page.Users ?? []) {
          const username = attribute(user, 'email') ?? user.Username ?? '';
          const member = members.get(username) ?? {
            username,
            roles: [],
            sites: sitesOf(attribute(user, 'custom:sites')),
          };
          member.roles.push(role);
          members.set(username, member);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return [...members.values()].sort(byName);
  }
}

const attribute = (user: UserType, name: string): string | undefined =>
  user.Attributes?.find((a) => a.Name === name)?.Value;

const sitesOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Where invited local users are kept, under the data folder. */
export const INVITED_FILE = join('identity', 'staff.json');

/** The users invited into the local data folder (`tandem staff invite` without a user pool). */
export function invitedUsers(dataDir: string): DemoUser[] {
  const file = join(dataDir, INVITED_FILE);
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as DemoUser[];
}

/** The dev identity provider's users: the demo users of the local sites and those invited. */
export class LocalStaffDirectory implements StaffDirectory {
  constructor(
    private readonly dataDir: string,
    private readonly siteIds: readonly string[],
  ) {}

  async invite(email: string, role: StaffRole, sites: readonly string[]): Promise<void> {
    const invited = invitedUsers(this.dataDir).filter((user) => user.username !== email);
    invited.push({ username: email, label: `${email} (${role})`, roles: [role], sites: [...sites] });
    const file = join(this.dataDir, INVITED_FILE);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(invited, null, 2)}\n`);
  }

  async list(): Promise<StaffMember[]> {
    return [...demoUsers(this.siteIds), ...invitedUsers(this.dataDir)]
      .map(({ username, roles, sites }) => ({ username, roles, sites }))
      .sort(byName);
  }
}
