import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { RecentMap } from '../../recent-map';

type AuthResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ClaimsIdentity = AuthResult['claimsIdentity'];
type ConnectorFactory = NonNullable<AuthResult['connectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Who a turn's outbound clients act as, as botframework-connector reads it: the audience claim, else the appid one. */
const appIdOf = (identity: ClaimsIdentity): string =>
  identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';

/** Clients kept: a handful of service URLs (one per Teams region) and one app id; bounded whatever is sent. */
const CONNECTORS_KEPT = 64;
const TOKEN_CLIENTS_KEPT = 8;

/**
 * botbuilder's authentication, except that a turn's outbound clients are made once and kept. CloudAdapter builds a
 * new ConnectorClient (the one that sends the turn's replies) and a new UserTokenClient (OAuth sign-in, which Trellis
 * never uses) for every activity, each a fresh HTTP pipeline: about 200 and 160 µs of CPU a turn, more than the
 * turn's own SQLite writes (bench/teams-turn). Both are stateless clients over the same credentials (which keep and
 * renew their own token), so one per app id, audience and service URL serves every turn that would have made the same
 * one. Authentication itself is unchanged: every request is still checked first.
 */
export class TeamsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new RecentMap<string, ConnectorClient>(CONNECTORS_KEPT);
  private readonly tokenClients = new RecentMap<string, UserTokenClient>(TOKEN_CLIENTS_KEPT);

  override async authenticateRequest(
    ...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
  ): Promise<AuthResult> {
    const result = await super.authenticateRequest(...args);
    const made = result.connectorFactory;
    if (!made) return result;
    const appId = appIdOf(result.claimsIdentity);
    const connectorFactory: ConnectorFactory = {
      create: async (serviceUrl: string, audience?: string) => {
        const key = `${appId}\n${audience ?? ''}\n${serviceUrl}`;
        const kept = this.connectors.get(key);
        if (kept) return kept;
        const client = await made.create(serviceUrl, audience);
        this.connectors.set(key, client);
        return client;
      },
    };
    return { ...result, connectorFactory };
  }

  override async createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appIdOf(claimsIdentity);
    const kept = this.tokenClients.get(key);
    if (kept) return kept;
    const client = await super.createUserTokenClient(claimsIdentity);
    this.tokenClients.set(key, client);
    return client;
  }
}
