import { ATTRIBUTE_PREFIX } from '../config/constants';
import type { Condition, FieldCondition, PersonField, RosterConfig, TalentRole } from '../config/schema';
import type { RosterPerson } from './event';

/** Tells whether a Talent group name is one the sync may add and remove. */
export type GroupMatcher = (group: string) => boolean;

/** Returns the role of the first role rule that matches the person, or the configured default role. */
export function resolveRole(person: RosterPerson, roster: RosterConfig): TalentRole {
  const rule = roster.roleRules.find((candidate) => matchesCondition(person, candidate.when));
  return rule ? rule.role : roster.defaultRole;
}

/**
 * Returns the groups that every matching group rule names, with `{school}` and the other placeholders
 * replaced by the person's values. A template whose placeholder field is empty for this person yields
 * no group. Names that differ only in case are kept once, in the spelling that came first, because
 * Talent compares group names case-insensitively.
 */
export function resolveGroups(person: RosterPerson, roster: RosterConfig): string[] {
  const groups: string[] = [];
  for (const rule of roster.groupRules) {
    if (!matchesCondition(person, rule.when)) continue;
    for (const template of rule.groups) {
      const name = fillTemplate(template, person);
      if (name !== undefined) groups.push(name);
    }
  }
  return dedupeGroups(groups);
}

/**
 * Builds the matcher for the groups the sync manages: the `managedGroups` patterns, or, when they are
 * absent, the group templates with each placeholder read as `*`. In a pattern `*` matches any text,
 * and matching ignores case.
 */
export function managedGroupMatcher(roster: RosterConfig): GroupMatcher {
  const patterns =
    roster.managedGroups ?? roster.groupRules.flatMap((rule) => rule.groups.map(templateToPattern));
  const expressions = patterns.map(patternToRegExp);
  return (group) => expressions.some((expression) => expression.test(group.trim()));
}

/**
 * Returns the groups a user should have: the desired groups, plus every current group the sync does
 * not manage, so groups assigned in Talent by hand stay. Managed groups that are not desired go.
 */
export function mergeGroups(
  current: readonly string[],
  desired: readonly string[],
  isManaged: GroupMatcher,
): string[] {
  const handAssigned = current.filter((group) => !isManaged(group));
  return dedupeGroups([...desired, ...handAssigned]);
}

/** Tells whether two group lists name the same groups, ignoring order and case. */
export function sameGroups(left: readonly string[], right: readonly string[]): boolean {
  const leftKeys = new Set(left.map(groupKey));
  const rightKeys = new Set(right.map(groupKey));
  if (leftKeys.size !== rightKeys.size) return false;
  for (const key of leftKeys) {
    if (!rightKeys.has(key)) return false;
  }
  return true;
}

/**
 * Returns the comparison key of a group name, because Talent treats names that differ only in case
 * as one group.
 */
export function groupKey(name: string): string {
  return name.trim().toLowerCase();
}

function dedupeGroups(groups: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const group of groups) {
    const key = groupKey(group);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(group);
  }
  return result;
}

/**
 * Tells whether the person is one the sync manages: the person matches at least one include
 * condition (or there are none) and no exclude condition.
 */
export function isInScope(person: RosterPerson, roster: RosterConfig): boolean {
  const { include, exclude } = roster.scope;
  if (include.length > 0 && !include.some((condition) => matchesCondition(person, condition))) return false;
  return !exclude.some((condition) => matchesCondition(person, condition));
}

/**
 * Tells whether the person matches every key of the condition, so an empty condition matches
 * everyone. A key is a person field or `attributes.<name>`. A string condition matches the trimmed
 * value exactly, ignoring case, and `in` matches any of its values the same way. A pattern condition
 * is a case-insensitive regular expression. A value that is absent or blank matches no condition.
 */
export function matchesCondition(person: RosterPerson, condition: Condition): boolean {
  for (const [key, expected] of Object.entries(condition)) {
    const value = personValue(person, key);
    if (!value || !matchesValue(value, expected)) return false;
  }
  return true;
}

function matchesValue(value: string, expected: FieldCondition): boolean {
  const lower = value.toLowerCase();
  if (typeof expected === 'string') return lower === expected.trim().toLowerCase();
  if ('in' in expected) return expected.in.some((candidate) => lower === candidate.trim().toLowerCase());
  return new RegExp(expected.pattern, 'i').test(value);
}

/** Returns the trimmed value of a person field or `attributes.<name>`, or undefined when blank. */
function personValue(person: RosterPerson, key: string): string | undefined {
  const raw = key.startsWith(ATTRIBUTE_PREFIX)
    ? person.attributes?.[key.slice(ATTRIBUTE_PREFIX.length)]
    : person[key as PersonField];
  return raw?.trim() || undefined;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Fills a group template from the person, or returns undefined when a placeholder's field is blank. */
function fillTemplate(template: string, person: RosterPerson): string | undefined {
  let complete = true;
  const name = template.replace(PLACEHOLDER, (_match, key: string) => {
    // The config schema accepts only person fields and `attributes.<name>` as placeholders.
    const value = personValue(person, key);
    if (!value) complete = false;
    return value ?? '';
  });
  return complete ? name.trim() : undefined;
}

function templateToPattern(template: string): string {
  return template.replace(PLACEHOLDER, '*');
}

function patternToRegExp(pattern: string): RegExp {
  const source = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}
