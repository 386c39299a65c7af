// User directory and ticket store: who may log in, and which tickets are live.
import { randomBytes } from 'node:crypto';
import { err } from './format.js';

/** A repository user; `isAdmin` users bypass every permission check (like members of ALFRESCO_ADMINISTRATORS). */
export interface User {
  id: string;
  password: string;
  firstName: string;
  lastName: string;
  email: string;
  isAdmin: boolean;
  enabled: boolean;
}

interface Ticket {
  userId: string;
  lastUsed: number;
}

/** Users plus the tickets issued to them; tickets expire after `ttlMs` without use. */
export class Directory {
  readonly users = new Map<string, User>();
  private readonly tickets = new Map<string, Ticket>();

  constructor(public ttlMs: number) {}

  /** Adds (or replaces) a user; `admin` is always an administrator. */
  addUser(name: string, password: string, opts: { admin?: boolean; firstName?: string } = {}): User {
    const first = opts.firstName ?? name.charAt(0).toUpperCase() + name.slice(1);
    const user: User = {
      id: name,
      password,
      firstName: name === 'admin' ? 'Administrator' : first,
      lastName: '',
      email: `${name}@example.com`,
      isAdmin: opts.admin ?? name === 'admin',
      enabled: true,
    };
    this.users.set(name, user);
    return user;
  }

  /** Display name the way ACS builds it (first + last name, trimmed). */
  displayName(id: string): string {
    const u = this.users.get(id);
    if (!u) return id;
    return `${u.firstName} ${u.lastName}`.trim() || id;
  }

  /** Checks a password; user ids are case-insensitive on the real server, so they are here. */
  login(userId: string, password: string): User | undefined {
    const u = this.find(userId);
    return u && u.enabled && u.password === password ? u : undefined;
  }

  /** Looks a user up case-insensitively. */
  find(userId: string): User | undefined {
    const direct = this.users.get(userId);
    if (direct) return direct;
    const lower = userId.toLowerCase();
    for (const u of this.users.values()) if (u.id.toLowerCase() === lower) return u;
    return undefined;
  }

  /** Issues a ticket shaped like a real one (`TICKET_` + 40 hex digits). */
  issue(userId: string): string {
    const id = `TICKET_${randomBytes(20).toString('hex')}`;
    this.tickets.set(id, { userId, lastUsed: Date.now() });
    return id;
  }

  /** Resolves a ticket to its user, refreshing its idle timer; undefined if unknown or expired. */
  resolve(ticket: string): User | undefined {
    const t = this.tickets.get(ticket);
    if (!t) return undefined;
    if (Date.now() - t.lastUsed > this.ttlMs) {
      this.tickets.delete(ticket);
      return undefined;
    }
    t.lastUsed = Date.now();
    return this.users.get(t.userId);
  }

  /** Invalidates one ticket (logout); false if it was not live. */
  revoke(ticket: string): boolean {
    return this.tickets.delete(ticket);
  }

  /** Drops every ticket, so clients must log in again (simulates expiry or a server restart). */
  expireAll(): void {
    this.tickets.clear();
  }

  /** Person entry for GET /people/{id}. */
  person(id: string): Record<string, unknown> {
    const u = this.users.get(id);
    if (!u) throw err.notFound(id);
    return {
      id: u.id,
      firstName: u.firstName,
      lastName: u.lastName,
      displayName: this.displayName(u.id),
      email: u.email,
      enabled: u.enabled,
      emailNotificationsEnabled: true,
      company: {},
      capabilities: { isAdmin: u.isAdmin, isGuest: u.id === 'guest', isMutable: u.id !== 'admin' },
    };
  }
}
