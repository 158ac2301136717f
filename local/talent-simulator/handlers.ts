import { builderRow, reportRow } from './reports';
import {
  DEFAULT_GROUP,
  type GroupRecord,
  matchesFilter,
  OWN_SYSTEM_ID,
  paginate,
  type SimulatorState,
  SYSTEMS,
  type TokenKind,
  type UserRecord,
  type UserStatus,
} from './state';

/** An error response with the `{ message }` body. */
export class SimulatorHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HandlerContext {
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: the body has passed the operation's schema, which types it.
  body: any;
  token: TokenKind;
  /** `http://127.0.0.1:PORT`, for download addresses. */
  origin: string;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

export interface HandlerSettings {
  now: () => number;
  reportPendingMs: number;
  downloadUrlTtlMs: number;
  reportRows: () => number;
  /** How many of the next download URLs are issued already expired; the count goes down as they are. */
  expiredDownloadUrls: { remaining: number };
  reportOutcome: (request: Record<string, unknown>) => 'complete' | 'failed' | 'stalled';
}

type Handler = (context: HandlerContext) => HandlerResult;

/** Operations that change data; a user token may not call them. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'createUser',
  'createUsers',
  'updateUser',
  'deleteUser',
  'updateUsersGroups',
  'createGroup',
  'updateGroup',
  'deleteGroup',
  'createTag',
  'updateTag',
  'deleteTag',
]);

const SAVED_REPORT_TITLES: Record<string, string> = { savedReport123abc: 'Monthly Activity Report' };
const ROLES = [
  { _id: 'role_teacher', name: 'Teacher' },
  { _id: 'role_coach', name: 'Coach' },
  { _id: 'role_admin', name: 'Admin' },
  { _id: 'role_observer', name: 'Observer', basedOn: 'Teacher' },
];
const PROFILE_ATTRIBUTES = [
  {
    _id: 'attribute_school',
    label: 'School',
    prompt: 'Which school do you work at?',
    type: 'dropdown',
    options: ['Lincoln Elementary', 'Jefferson High', 'Roosevelt Middle'],
    displayInInsights: true,
    archived: false,
    order: 1,
  },
  {
    _id: 'attribute_experience',
    label: 'Years of experience',
    prompt: 'How many years have you taught?',
    type: 'text',
    displayInInsights: false,
    archived: false,
    order: 2,
  },
  {
    _id: 'attribute_certified',
    label: 'Certified',
    type: 'checkbox',
    displayInInsights: false,
    archived: true,
  },
];

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Builds the handler of every operation, keyed by operationId. */
export function createHandlers(state: SimulatorState, settings: HandlerSettings): Record<string, Handler> {
  const ok = (body: unknown, status = 200): HandlerResult => ({ status, body });

  const requireUser = (email: string): UserRecord => {
    const user = state.findUser(email);
    if (!user) throw new SimulatorHttpError(404, `user not found: ${email}`);
    return user;
  };
  const requireGroup = (name: string): GroupRecord => {
    const group = state.findGroup(name);
    if (!group) throw new SimulatorHttpError(404, `group not found: ${name}`);
    return group;
  };
  /** Resolves group names for a user write; unknown names are a client error, so groups must exist first. */
  const resolveGroups = (names: string[]): string[] => {
    const ids: string[] = [];
    for (const name of names) {
      const group = state.findGroup(name);
      if (!group) throw new SimulatorHttpError(400, `group not found: ${name}`);
      if (!ids.includes(group._id)) ids.push(group._id);
    }
    return ids;
  };
  const defaultGroupIds = (role: string): string[] =>
    role === 'Admin' ? [] : [(state.findGroup(DEFAULT_GROUP) ?? state.addGroup(DEFAULT_GROUP))._id];
  const sortedUsers = (): UserRecord[] =>
    [...state.users.values()].sort((a, b) => a.email.localeCompare(b.email));
  const groupItems = (groups: GroupRecord[]) =>
    groups
      .map((group) => ({ _id: group._id, name: group.name }))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  const page = (query: Record<string, unknown>) => ({
    pageNumber: Number(query.pageNumber),
    limit: Number(query.limit),
  });

  return {
    listUsers({ query }) {
      const { pageNumber, limit } = page(query);
      const { items, pageCount } = paginate(sortedUsers(), pageNumber, limit);
      return ok({
        users: items.map((user) => ({
          email: user.email,
          role: user.role,
          ...(user.name === undefined ? {} : { name: user.name }),
          status: user.status,
          lastSeen: user.lastSeen,
        })),
        pageNumber,
        usersListedCount: items.length,
        pageCount,
      });
    },

    createUser({ body, token }) {
      const systemId = checkSystem(token, body.systemId);
      const email = String(body.email).toLowerCase();
      if (state.findUser(email)) throw new SimulatorHttpError(409, `user already exists: ${email}`);
      const named = resolveGroups(body.groups ?? []);
      const invited = body.suppress_invite !== true;
      const user = state.addUser(
        {
          email,
          role: body.role,
          name: body.name,
          status: 'Invited',
          lastSeen: null,
          groupIds: named.length > 0 ? named : defaultGroupIds(body.role),
          systemId,
          invitesSent: invited ? 1 : 0,
        },
        invited,
      );
      return ok({ userId: user.userId }, 201);
    },

    createUsers({ body }) {
      const successes: { email: string; userId: string }[] = [];
      const failures: { email: string; reason: string }[] = [];
      const seen = new Set<string>();
      const invited = body.suppress_invite !== true;

      for (const invite of body.invites as { email: string; name?: string }[]) {
        const email = invite.email.toLowerCase();
        if (!EMAIL_PATTERN.test(email)) {
          failures.push({ email: invite.email, reason: 'invalid email' });
        } else if (seen.has(email)) {
          failures.push({ email: invite.email, reason: 'duplicate email in this request' });
        } else if (state.findUser(email)) {
          failures.push({ email: invite.email, reason: 'user already exists' });
        } else {
          const user = state.addUser(
            {
              email,
              role: body.role,
              name: invite.name,
              status: 'Invited',
              lastSeen: null,
              groupIds: defaultGroupIds(body.role),
              systemId: OWN_SYSTEM_ID,
              invitesSent: invited ? 1 : 0,
            },
            invited,
          );
          successes.push({ email, userId: user.userId });
        }
        seen.add(email);
      }
      return ok({ successes, failures });
    },

    getUser({ pathParams }) {
      const user = requireUser(pathParams.email ?? '');
      return ok({
        email: user.email,
        role: user.role,
        ...(user.name === undefined ? {} : { name: user.name }),
        status: user.status,
        lastSeen: user.lastSeen,
        groups: state.groupNames(user),
        userId: user.userId,
      });
    },

    updateUser({ pathParams, body }) {
      const user = requireUser(pathParams.email ?? '');
      // Every check runs before the first change, so a rejected update changes nothing.
      const groupIds = body.groups === undefined ? undefined : resolveGroups(body.groups);
      const newEmail = body.email === undefined ? undefined : String(body.email).toLowerCase();
      if (newEmail !== undefined && newEmail !== user.email && state.findUser(newEmail)) {
        throw new SimulatorHttpError(409, `user already exists: ${newEmail}`);
      }

      if (newEmail !== undefined && newEmail !== user.email) {
        state.users.delete(user.email);
        user.email = newEmail;
        state.users.set(newEmail, user);
      }
      if (groupIds !== undefined) {
        user.groupIds = groupIds;
        state.notify(user, 'groups', 'Your groups were changed.');
      }
      if (body.name !== undefined) user.name = body.name;
      if (body.role !== undefined) user.role = body.role;
      if (body.status !== undefined && body.status !== user.status) {
        user.status = body.status as UserStatus;
        state.notify(user, 'status', `Your account is now ${user.status}.`);
      }
      return ok({ message: 'User details updated successfully.' });
    },

    deleteUser({ pathParams }) {
      const user = requireUser(pathParams.email ?? '');
      state.users.delete(user.email);
      return ok({ message: 'User deleted successfully.' });
    },

    updateUsersGroups({ body }) {
      const users = (body.emails as string[]).map(requireUser);
      const groupIds = resolveGroups(body.groups);
      for (const user of users) {
        user.groupIds = [...groupIds];
        state.notify(user, 'groups', 'Your groups were changed.');
      }
      return ok({ message: 'User groups updated successfully for multiple users.' });
    },

    listUserGroups({ pathParams, query }) {
      const user = requireUser(pathParams.email ?? '');
      const { pageNumber, limit } = page(query);
      const groups = user.groupIds.map((id) => state.groups.get(id)).filter((group) => !!group);
      const { items, pageCount } = paginate(groupItems(groups), pageNumber, limit);
      return ok({ groups: items, pageNumber, pageCount });
    },

    listUserNotifications({ pathParams, query }) {
      const user = requireUser(pathParams.email ?? '');
      const { pageNumber, limit } = page(query);
      const { items, pageCount } = paginate(user.notifications, pageNumber, limit);
      return ok({ notifications: items, pageNumber, pageCount });
    },

    listGroups({ query }) {
      const { pageNumber, limit } = page(query);
      const groups = [...state.groups.values()].filter((group) => matchesFilter(group.name, query.name));
      const { items, pageCount } = paginate(groupItems(groups), pageNumber, limit);
      return ok({ groups: items, pageNumber, pageCount });
    },

    createGroup({ body }) {
      const name = requireNonBlank(body.name, 'name');
      if (state.findGroup(name)) throw new SimulatorHttpError(409, `group already exists: ${name}`);
      const group = state.addGroup(name);
      return ok({ _id: group._id, name: group.name }, 201);
    },

    updateGroup({ pathParams, body }) {
      const group = requireGroup(pathParams.name ?? '');
      const name = requireNonBlank(body.name, 'name');
      if (group.name === DEFAULT_GROUP)
        throw new SimulatorHttpError(409, `the ${DEFAULT_GROUP} cannot be renamed`);
      const other = state.findGroup(name);
      if (other && other._id !== group._id)
        throw new SimulatorHttpError(409, `group already exists: ${name}`);
      group.name = name;
      return ok({ _id: group._id, name: group.name });
    },

    deleteGroup({ pathParams, body, token }) {
      checkSystem(token, body?.systemId);
      const group = requireGroup(pathParams.name ?? '');
      if (group.name === DEFAULT_GROUP)
        throw new SimulatorHttpError(409, `the ${DEFAULT_GROUP} cannot be deleted`);
      state.groups.delete(group._id);
      for (const user of state.users.values()) user.groupIds = user.groupIds.filter((id) => id !== group._id);
      return ok({ message: 'Group deleted successfully.' });
    },

    listTags({ query }) {
      const { pageNumber, limit } = page(query);
      const tags = [...state.tags.values()]
        .filter(
          (tag) => matchesFilter(tag.tag, query.tag) && (query.type === undefined || tag.type === query.type),
        )
        .sort((a, b) => a.tag.toLowerCase().localeCompare(b.tag.toLowerCase()));
      const { items, pageCount } = paginate(tags, pageNumber, limit);
      return ok({ tags: items.map((tag) => ({ ...tag })), pageNumber, pageCount });
    },

    createTag({ body }) {
      const tag = requireNonBlank(body.tag, 'tag');
      if (findTag(tag, body.type))
        throw new SimulatorHttpError(409, `tag already exists: ${tag} (${body.type})`);
      const record = { _id: state.nextId('tag'), tag, type: body.type as string };
      state.tags.set(record._id, record);
      return ok({ ...record }, 201);
    },

    updateTag({ pathParams, body }) {
      const record = state.tags.get(pathParams.tagId ?? '');
      if (!record) throw new SimulatorHttpError(404, `tag not found: ${pathParams.tagId}`);
      const tag = body.tag === undefined ? record.tag : requireNonBlank(body.tag, 'tag');
      const type = (body.type as string | undefined) ?? record.type;
      const other = findTag(tag, type);
      if (other && other._id !== record._id)
        throw new SimulatorHttpError(409, `tag already exists: ${tag} (${type})`);
      record.tag = tag;
      record.type = type;
      return ok({ ...record });
    },

    deleteTag({ pathParams }) {
      if (!state.tags.delete(pathParams.tagId ?? '')) {
        throw new SimulatorHttpError(404, `tag not found: ${pathParams.tagId}`);
      }
      return ok({ message: 'Tag deleted successfully.' });
    },

    listSystems({ query, token }) {
      const { pageNumber, limit } = page(query);
      const visible = SYSTEMS.filter((system) => token === 'network' || system.systemId === OWN_SYSTEM_ID)
        .filter((system) => matchesFilter(system.name, query.name))
        .map((system) => ({ ...system }));
      const { items } = paginate(visible, pageNumber, limit);
      return ok({ systems: items, pageNumber, totalCount: visible.length });
    },

    listRoles({ query, token }) {
      const systemId = checkSystem(token, query.systemId);
      const { pageNumber, limit } = page(query);
      const members = [...state.users.values()].filter((user) => user.systemId === systemId);
      const roles = ROLES.filter((role) => matchesFilter(role.name, query.name)).map((role) => ({
        ...role,
        memberCount: members.filter((user) => user.role === role.name).length,
      }));
      const { items } = paginate(roles, pageNumber, limit);
      return ok({ roles: items, pageNumber, totalCount: roles.length });
    },

    listProfileAttributes({ query, token }) {
      checkSystem(token, query.system);
      return ok(PROFILE_ATTRIBUTES.map((attribute) => ({ ...attribute })));
    },

    getReportFilterOptions({ query, token }) {
      checkSystem(token, query.systemId);
      return ok({
        filterOptions: {
          dateFormat: 'YYYY-MM-DD',
          startDate: 'first day to include, YYYY-MM-DD',
          endDate: 'last day to include, YYYY-MM-DD',
          systemIds: SYSTEMS.filter((system) => token === 'network' || system.systemId === OWN_SYSTEM_ID).map(
            (system) => system.systemId,
          ),
          actionTypes: ['observation', 'comment', 'video', 'goal'],
          profileAttributes: PROFILE_ATTRIBUTES.filter((attribute) => attribute.displayInInsights).map(
            (attribute) => attribute.label,
          ),
        },
      });
    },

    requestReport({ body }) {
      // NOTE: every reportId counts as an existing saved report and any run-as e-mail is accepted.
      // Talent checks both against its own data, which the simulator does not model.
      const reportId = `export_${state.randomToken().slice(0, 12)}`;
      state.reports.set(reportId, {
        reportId,
        request: body,
        createdAt: settings.now(),
        outcome: settings.reportOutcome(body),
        rows: settings.reportRows(),
      });
      return ok({ insightsReportRequestId: reportId });
    },

    getReport({ pathParams, origin }) {
      const reportId = pathParams.reportId ?? '';
      const report = state.reports.get(reportId);
      if (!report) throw new SimulatorHttpError(404, `report not found: ${reportId}`);
      const echo =
        report.request.filterOptions === undefined ? {} : { filterOptions: report.request.filterOptions };

      if (report.outcome === 'stalled' || settings.now() < report.createdAt + settings.reportPendingMs) {
        return ok({ reportId, status: 'pending', ...echo }, 202);
      }
      if (report.outcome === 'failed') {
        return ok({ reportId, status: 'failed', message: 'report processing failed in the simulator' }, 500);
      }
      if (report.request.report === 'reportBuilder') {
        const token = state.randomToken();
        const expired = settings.expiredDownloadUrls.remaining > 0;
        if (expired) settings.expiredDownloadUrls.remaining -= 1;
        state.downloads.set(token, {
          reportId,
          expiresAt: expired ? settings.now() - 1 : settings.now() + settings.downloadUrlTtlMs,
          rows: report.rows,
        });
        return ok({ reportId, status: 'complete', csvDownloadUrl: `${origin}/downloads/${token}.csv` });
      }

      // NOTE: JSON rows are built in memory, unlike the streamed CSV, so keep reportRows modest for
      // non-builder reports.
      const type = String(report.request.report);
      const reportData = Array.from({ length: report.rows }, (_, index) => reportRow(type, index));
      return ok({ reportId, status: 'complete', ...echo, reportData });
    },

    getReportBuilderData({ body }) {
      const pageSize: number = body.pageSize ?? 50;
      const pageNumber: number = body.pageNumber ?? 1;
      const totalRows = settings.reportRows();
      const start = (pageNumber - 1) * pageSize;
      const end = Math.min(totalRows, start + pageSize);
      const reportData: Record<string, string | number>[] = [];
      for (let index = start; index < end; index += 1) reportData.push(builderRow(index));

      const saved =
        body.reportId === undefined
          ? {}
          : {
              reportId: body.reportId as string,
              savedReportTitle: SAVED_REPORT_TITLES[body.reportId] ?? `Saved report ${body.reportId}`,
            };
      return ok({
        reportData,
        pagination: { pageNumber, pageSize, totalRows, pageCount: Math.ceil(totalRows / pageSize) },
        ...saved,
      });
    },
  };

  function findTag(tag: string, type: string) {
    for (const record of state.tags.values()) {
      if (record.tag.toLowerCase() === tag.toLowerCase() && record.type === type) return record;
    }
    return undefined;
  }
}

/**
 * Checks a systemId that a request names. A network token may name any system of the network; a
 * system or user token only its own. Returns the system the request acts on.
 */
function checkSystem(token: TokenKind, systemId: unknown): string {
  if (systemId === undefined) return OWN_SYSTEM_ID;
  const id = String(systemId);
  if (!SYSTEMS.some((system) => system.systemId === id))
    throw new SimulatorHttpError(404, `system not found: ${id}`);
  if (token !== 'network' && id !== OWN_SYSTEM_ID) {
    throw new SimulatorHttpError(
      403,
      `a ${token} token can only reach its own system ${OWN_SYSTEM_ID}, not ${id}`,
    );
  }
  return id;
}

function requireNonBlank(value: unknown, field: string): string {
  const text = String(value);
  if (!text.trim()) throw new SimulatorHttpError(400, `body field '${field}' must not be blank`);
  return text;
}
