import { Clearance, CLEARANCES, CreateUserBody, VIGIE_ROLES, VigieRole } from './admin-client';

/** A form problem: the field (its input's id suffix) and a message key of the console's dictionary. */
export interface FieldProblem {
  field: 'username' | 'email' | 'firstName' | 'lastName' | 'clearance' | 'compartments' | 'roles' | 'temporaryPassword';
  key: 'admin.error.username' | 'admin.error.email' | 'admin.error.required' | 'admin.error.compartment' | 'admin.error.password' | 'admin.error.clearance' | 'admin.error.role';
  /** The offending value, when naming it helps (a compartment). */
  value?: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,99}$/;
const COMPARTMENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;

/** Compartments typed as a comma- or space-separated list: lower-cased, de-duplicated, each checked. */
export function parseCompartments(text: string): { compartments: string[]; invalid: string[] } {
  const items = [...new Set(text.split(/[\s,]+/).map((c) => c.trim().toLowerCase()).filter(Boolean))];
  return { compartments: items.filter((c) => COMPARTMENT.test(c)), invalid: items.filter((c) => !COMPARTMENT.test(c)) };
}

export interface NewUserForm {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  clearance: string;
  compartments: string;
  roles: string[];
  groups: string[];
  temporaryPassword: string;
}

/** Checks a new user as identity's contract will (so the form names the field before the API does). */
export function newUserBody(form: NewUserForm): { body: CreateUserBody; problems: [] } | { body: null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const username = form.username.trim();
  if (!USERNAME.test(username)) problems.push({ field: 'username', key: 'admin.error.username' });
  if (!EMAIL.test(form.email.trim())) problems.push({ field: 'email', key: 'admin.error.email' });
  for (const field of ['firstName', 'lastName'] as const) if (!form[field].trim() || form[field].trim().length > 100) problems.push({ field, key: 'admin.error.required' });
  if (!(CLEARANCES as readonly string[]).includes(form.clearance)) problems.push({ field: 'clearance', key: 'admin.error.clearance' });
  const { compartments, invalid } = parseCompartments(form.compartments);
  for (const value of invalid) problems.push({ field: 'compartments', key: 'admin.error.compartment', value });
  const badRole = form.roles.find((r) => !(VIGIE_ROLES as readonly string[]).includes(r));
  if (badRole) problems.push({ field: 'roles', key: 'admin.error.role', value: badRole });
  if (form.temporaryPassword && (form.temporaryPassword.length < 12 || form.temporaryPassword.length > 200)) problems.push({ field: 'temporaryPassword', key: 'admin.error.password' });
  if (problems.length > 0) return { body: null, problems };
  return {
    body: {
      username,
      email: form.email.trim(),
      firstName: form.firstName.trim(),
      lastName: form.lastName.trim(),
      clearance: form.clearance as Clearance,
      compartments,
      roles: form.roles as VigieRole[],
      groups: [...new Set(form.groups)],
      enabled: true,
      ...(form.temporaryPassword ? { temporaryPassword: form.temporaryPassword } : {}),
    },
    problems: [],
  };
}
