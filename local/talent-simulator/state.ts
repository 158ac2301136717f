import { randomBytes } from 'node:crypto';

export type UserStatus = 'Active' | 'Invited' | 'Disabled';
export type TokenKind = 'user' | 'system' | 'network';

/** A user to start the simulator with; groups that do not exist yet are created. */
export interface SeedUser {
  email: string;
  role?: string;
  name?: string;
  status?: UserStatus;
  groups?: string[];
  lastSeen?: string | null;
}

export interface SimulatorSeed {
  users?: SeedUser[];
  groups?: string[];
}

/** A user as the test view shows it: the API fields plus what only the simulator tracks. */
export interface SimulatedUser {
  userId: string;
  email: string;
  role: string;
  name?: string;
  status: UserStatus;
  lastSeen: string | null;
  /** Group names. */
  groups: string[];
  systemId: string;
  /** Invitation e-mails sent: 1 after a create without `suppress_invite`, otherwise 0. */
  invitesSent: number;
}

export interface SimulatedGroup {
  _id: string;
  name: string;
  memberCount: number;
}

export interface UserRecord {
  userId: string;
  email: string;
  role: string;
  name: string | undefined;
  status: UserStatus;
  lastSeen: string | null;
  groupIds: string[];
  systemId: string;
  invitesSent: number;
  notifications: NotificationRecord[];
}

export interface NotificationRecord {
  _id: string;
  type: string;
  message: string;
  createdAt: string;
  read: boolean;
}

export interface GroupRecord {
  _id: string;
  name: string;
}

export interface TagRecord {
  _id: string;
  tag: string;
  type: string;
}

export interface ReportRecord {
  reportId: string;
  request: Record<string, unknown>;
  createdAt: number;
  /** `stalled` stays pending for ever: the `stall` fault, or a test's `reportOutcome`. */
  outcome: 'complete' | 'failed' | 'stalled';
  rows: number;
}

export interface DownloadRecord {
  reportId: string;
  expiresAt: number;
  rows: number;
}

export const DEFAULT_GROUP = 'Default Group';

/** The systems of the simulated network; system and user tokens belong to the first. */
export const SYSTEMS = [
  { systemId: 'system-local', name: 'Local District' },
  { systemId: 'system-sandbox', name: 'Sandbox District' },
] as const;
export const OWN_SYSTEM_ID = SYSTEMS[0].systemId;

/** The in-memory data of the simulator. Users are keyed by lower-case e-mail. */
export class SimulatorState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly tags = new Map<string, TagRecord>();
  readonly reports = new Map<string, ReportRecord>();
  readonly downloads = new Map<string, DownloadRecord>();
  private sequence = 0;

  constructor(
    private readonly seed: SimulatorSeed,
    private readonly now: () => number,
  ) {
    this.load();
  }

  /** Restores the seeded state and starts ids from the beginning again. */
  reset(): void {
    this.users.clear();
    this.groups.clear();
    this.tags.clear();
    this.reports.clear();
    this.downloads.clear();
    this.sequence = 0;
    this.load();
  }

  /** Returns a short id that is unique within this state, for example `user_00000a`. */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}_${this.sequence.toString(36).padStart(6, '0')}`;
  }

  /** Returns an unguessable token for a download address. */
  randomToken(): string {
    return randomBytes(16).toString('hex');
  }

  timestamp(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  findUser(email: string): UserRecord | undefined {
    return this.users.get(email.toLowerCase());
  }

  findGroup(name: string): GroupRecord | undefined {
    const wanted = name.toLowerCase();
    for (const group of this.groups.values()) {
      if (group.name.toLowerCase() === wanted) return group;
    }
    return undefined;
  }

  addGroup(name: string): GroupRecord {
    const group = { _id: this.nextId('group'), name };
    this.groups.set(group._id, group);
    return group;
  }

  groupNames(user: UserRecord): string[] {
    return user.groupIds.map((id) => this.groups.get(id)?.name).filter((name): name is string => !!name);
  }

  addUser(fields: Omit<UserRecord, 'userId' | 'notifications'>, invited: boolean): UserRecord {
    const user: UserRecord = { ...fields, userId: this.nextId('user'), notifications: [] };
    if (invited) this.notify(user, 'invitation', 'You have been invited to Talent.');
    this.users.set(user.email, user);
    return user;
  }

  notify(user: UserRecord, type: string, message: string): void {
    user.notifications.unshift({
      _id: this.nextId('notification'),
      type,
      message,
      createdAt: this.timestamp(),
      read: false,
    });
  }

  userView(user: UserRecord): SimulatedUser {
    return {
      userId: user.userId,
      email: user.email,
      role: user.role,
      ...(user.name === undefined ? {} : { name: user.name }),
      status: user.status,
      lastSeen: user.lastSeen,
      groups: this.groupNames(user),
      systemId: user.systemId,
      invitesSent: user.invitesSent,
    };
  }

  groupView(group: GroupRecord): SimulatedGroup {
    let memberCount = 0;
    for (const user of this.users.values()) if (user.groupIds.includes(group._id)) memberCount += 1;
    return { _id: group._id, name: group.name, memberCount };
  }

  private load(): void {
    this.addGroup(DEFAULT_GROUP);
    for (const name of this.seed.groups ?? []) {
      if (!this.findGroup(name)) this.addGroup(name);
    }
    this.tags.set('tag_math', { _id: 'tag_math', tag: 'Math Concepts', type: 'content' });
    this.tags.set('tag_culture', { _id: 'tag_culture', tag: 'Classroom Culture', type: 'focus' });

    for (const seedUser of this.seed.users ?? []) {
      const groupIds = (seedUser.groups ?? []).map(
        (name) => (this.findGroup(name) ?? this.addGroup(name))._id,
      );
      this.addUser(
        {
          email: seedUser.email.toLowerCase(),
          role: seedUser.role ?? 'Teacher',
          name: seedUser.name,
          status: seedUser.status ?? 'Active',
          lastSeen: seedUser.lastSeen ?? null,
          groupIds,
          systemId: OWN_SYSTEM_ID,
          invitesSent: 0,
        },
        false,
      );
    }
  }
}

/** Returns the slice of `items` for a 1-based page, and the number of pages. */
export function paginate<T>(
  items: T[],
  pageNumber: number,
  limit: number,
): { items: T[]; pageCount: number } {
  const start = (pageNumber - 1) * limit;
  return { items: items.slice(start, start + limit), pageCount: Math.ceil(items.length / limit) };
}

/** Case-insensitive partial match; an absent filter matches everything. */
export function matchesFilter(value: string, filter: unknown): boolean {
  return typeof filter !== 'string' || value.toLowerCase().includes(filter.toLowerCase());
}
