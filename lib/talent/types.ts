import type { components, operations } from './openapi';

/** Named types over the ones generated from openapi.yaml; regenerate with `npm run generate`. */
type Schemas = components['schemas'];
type Query<Operation extends keyof operations> = NonNullable<operations[Operation]['parameters']['query']>;

export type TalentRoleName = Schemas['RoleName'];
export type TalentUserStatus = Schemas['UserStatus'];

/** A user as the list returns it, without id or groups. */
export type TalentUserSummary = Schemas['UserSummary'];
/** A user as the single-user lookup returns it, with group names and id. */
export type TalentUser = Schemas['User'];
export type TalentUserList = Schemas['UserList'];
export type TalentNotificationList = Schemas['NotificationList'];
export type CreateUserBody = Schemas['CreateUserBody'];
export type CreatedUser = Schemas['CreatedUser'];
export type CreateUsersBody = Schemas['CreateUsersBody'];
export type CreateUsersResult = Schemas['CreateUsersResult'];
export type UpdateUserBody = Schemas['UpdateUserBody'];
export type UpdateUsersGroupsBody = Schemas['UpdateUsersGroupsBody'];

export type TalentGroup = Schemas['Group'];
export type TalentGroupList = Schemas['GroupList'];

export type TalentTag = Schemas['Tag'];
export type TalentTagType = Schemas['TagType'];
export type TalentTagList = Schemas['TagList'];
export type CreateTagBody = Schemas['CreateTagBody'];
export type UpdateTagBody = Schemas['UpdateTagBody'];

export type TalentSystemList = Schemas['SystemList'];
export type TalentRoleList = Schemas['RoleList'];
export type TalentProfileAttribute = Schemas['ProfileAttribute'];

/** The `pageNumber` and `limit` pair that every paginated list takes. */
export type PageQuery = Query<'listUsers'>;
export type ListGroupsQuery = Query<'listGroups'>;
export type ListTagsQuery = Query<'listTags'>;
export type ListSystemsQuery = Query<'listSystems'>;
export type ListRolesQuery = Query<'listRoles'>;

export type ReportType = Schemas['ReportType'];
export type ReportFilterOptions = Schemas['FilterOptions'];
/** The body of `POST /reports`; the rules between its fields are checked by Talent, not by this type. */
export type ReportRequest = Schemas['ReportRequest'];
export type ReportRequested = operations['requestReport']['responses']['200']['content']['application/json'];
/** A report's state: Talent returns 202 while pending, 200 when complete and 500 when failed. */
export type ReportStatus = Schemas['ReportPending'] | Schemas['ReportComplete'] | Schemas['ReportFailed'];
export type ReportBuilderDataRequest = Schemas['ReportBuilderDataRequest'];
export type ReportBuilderData = Schemas['ReportBuilderData'];
