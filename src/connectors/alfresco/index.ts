import type { Readable } from 'node:stream';
import type { Capabilities, Connector, Listing, RemoteNode, SyncedProps, WriteOptions } from '../types.js';

/** How to reach an Alfresco server. STUB: signatures only; implemented by the Alfresco connector work. */
export interface AlfrescoConnectionOptions {
  /** `https://host[:port]` or `https://host[:port]/alfresco`. */
  url: string;
  /** Tenant segment; default `-default-`. */
  network?: string;
  caFile?: string;
  allowHttp?: boolean;
  /** Verbose log sink (secrets already redacted). */
  log?: (line: string) => void;
}

/** Secrets for one side; any of them may be missing. */
export interface AlfrescoCredentials {
  ticket?: string;
  token?: string;
  username?: string;
  password?: string;
}

/** `POST …/authentication/versions/1/tickets`: returns the ticket. */
export async function alfrescoLogin(
  _opts: AlfrescoConnectionOptions,
  _username: string,
  _password: string,
): Promise<{ ticket: string; user: string }> {
  throw new Error('not implemented');
}

/** `DELETE tickets/-me-`. */
export async function alfrescoLogout(_opts: AlfrescoConnectionOptions, _creds: AlfrescoCredentials): Promise<void> {
  throw new Error('not implemented');
}

/** Connector over the ACS public REST API v1. */
export class AlfrescoConnector implements Connector {
  readonly kind = 'alfresco' as const;
  readonly capabilities: Capabilities = {
    properties: true,
    locks: true,
    versions: true,
    events: false,
    mtimePrecisionMs: 1,
  };
  readonly address: string;
  constructor(
    readonly opts: AlfrescoConnectionOptions,
    readonly creds: AlfrescoCredentials,
    readonly hooks: { onTicketRenewed?: (ticket: string) => void } = {},
  ) {
    this.address = opts.url;
  }
  async whoami(): Promise<{ user: string; address: string }> {
    throw new Error('not implemented');
  }
  async resolvePath(_path: string): Promise<RemoteNode | null> {
    throw new Error('not implemented');
  }
  async pathOf(_id: string): Promise<string | null> {
    throw new Error('not implemented');
  }
  async getNode(_id: string): Promise<RemoteNode | null> {
    throw new Error('not implemented');
  }
  async listTree(_folderId: string, _opts: { recursive: boolean }): Promise<Listing> {
    throw new Error('not implemented');
  }
  async readContent(_id: string): Promise<Readable> {
    throw new Error('not implemented');
  }
  async createFolder(_parentId: string, _name: string, _props?: SyncedProps): Promise<RemoteNode> {
    throw new Error('not implemented');
  }
  async createFile(
    _parentId: string,
    _name: string,
    _content: Readable,
    _opts: WriteOptions,
    _props?: SyncedProps,
  ): Promise<RemoteNode> {
    throw new Error('not implemented');
  }
  async updateContent(_id: string, _content: Readable, _opts: WriteOptions): Promise<RemoteNode> {
    throw new Error('not implemented');
  }
  async move(_id: string, _newParentId: string, _newName: string): Promise<RemoteNode> {
    throw new Error('not implemented');
  }
  async delete(_id: string): Promise<void> {
    throw new Error('not implemented');
  }
  async close(): Promise<void> {}
}
