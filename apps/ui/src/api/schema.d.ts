// Generated from the API's OpenAPI document by `npm run ui:openapi` (apps/api/src/openapi/uiTypes.ts): do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers HTTP */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: every dependency (database, queue…) answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the caller is and what it may do */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            roles: string[];
                            via: string;
                            /** @description Whom a service account said it acts for (X-Gantry-On-Behalf-Of); recorded, never used for access */
                            onBehalfOf?: string;
                            admin: boolean;
                            grants: {
                                /** @enum {string} */
                                kind: "application" | "account";
                                /** @description An application or account name, or * for all */
                                name: string;
                                actions: ("READ" | "WRITE" | "EXECUTE")[];
                                role: string;
                            }[];
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens (admin), never their values */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tokens: components["schemas"]["ApiToken"][];
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API token (admin); the token is in this answer only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description The token's roles; none with serviceAccount */
                        roles?: string[];
                        /** @description The service account the token acts as: its roles are the account's as they are at each use, and it may send X-Gantry-On-Behalf-Of */
                        serviceAccount?: string;
                        /** @description When the token stops working; default never */
                        expiresAt?: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            roles: string[];
                            createdBy: string | null;
                            createdAt: string;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            lastUsedAt: string | null;
                            /** @description Set: the token acts as this service account, with its roles */
                            serviceAccount: string | null;
                            token: string;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token (admin) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiToken"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every role grant (admin) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            grants: {
                                /** @enum {string} */
                                kind: "application" | "account";
                                /** @description An application or account name, or * for all */
                                name: string;
                                actions: ("READ" | "WRITE" | "EXECUTE")[];
                                role: string;
                            }[];
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/roles/{role}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace what a role may do (admin); an empty list removes the role's grants */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    role: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        grants: {
                            /** @enum {string} */
                            kind: "application" | "account";
                            /** @description An application or account name, or * for all */
                            name: string;
                            actions: ("READ" | "WRITE" | "EXECUTE")[];
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            role: string;
                            grants: {
                                /** @enum {string} */
                                kind: "application" | "account";
                                /** @description An application or account name, or * for all */
                                name: string;
                                actions: ("READ" | "WRITE" | "EXECUTE")[];
                            }[];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/serviceAccounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Service accounts that automatic triggers may run as (admin) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            serviceAccounts: components["schemas"]["ServiceAccount"][];
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/serviceAccounts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Create or change a service account and its roles (admin) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        roles: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServiceAccount"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        post?: never;
        /** Delete a service account (admin) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Browser sign-in with an API token: sets the httpOnly session cookie and the CSRF cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            roles: string[];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        /** Sign out: clears the session cookies */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List pipelines, ordered by application and name */
        get: {
            parameters: {
                query?: {
                    /** @description Only pipelines of this application */
                    application?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pipelines: components["schemas"]["Pipeline"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        /** Create a pipeline (version 1) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description A pipeline definition (Spinnaker-like). Besides this schema, refIds must be unique and requisiteStageRefIds must name existing stages without cycles. */
            requestBody: {
                content: {
                    "application/json": {
                        application: string;
                        name: string;
                        description?: string;
                        parameters?: ({
                            name: string;
                            /** @default false */
                            required?: boolean;
                            default?: unknown;
                            description?: string;
                            label?: string;
                            hasOptions?: boolean;
                            options?: ({
                                value: string | number | boolean;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        })[];
                        triggers?: ({
                            /** @description One of manual, jenkins, webhook, cron, pipeline, git, docker, pubsub */
                            type: string;
                            /** @default true */
                            enabled?: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                        expectedArtifacts?: ({
                            id: string;
                            displayName?: string;
                            matchArtifact: {
                                type?: string;
                                name?: string;
                                version?: string;
                                location?: string;
                                reference?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            defaultArtifact?: {
                                type?: string;
                                name?: string;
                                version?: string;
                                reference?: string;
                                location?: string;
                                artifactAccount?: string;
                                customKind?: boolean;
                                metadata?: {
                                    [key: string]: unknown;
                                };
                                provenance?: string;
                                uuid?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @default false */
                            useDefaultArtifact?: boolean;
                            /** @default false */
                            usePriorArtifact?: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                        /** @enum {string} */
                        expressionLanguage?: "cel" | "spel";
                        disabled?: boolean;
                        /** @default true */
                        limitConcurrent?: boolean;
                        /** @default false */
                        keepWaitingPipelines?: boolean;
                        stages: ({
                            refId: string | number;
                            type: string;
                            name?: string;
                            requisiteStageRefIds?: (string | number)[] | null;
                            /** @default true */
                            failPipeline?: boolean;
                            /** @default false */
                            continuePipeline?: boolean;
                            /** @default false */
                            completeOtherBranchesThenFail?: boolean;
                            stageTimeoutMs?: number;
                            stageEnabled?: string | ({
                                /** @enum {string} */
                                type: "expression";
                                expression: string;
                            } & {
                                [key: string]: unknown;
                            });
                        } & {
                            [key: string]: unknown;
                        })[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Pipeline"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report what Gantry makes of a pipeline document (Spinnaker's or its own), without saving it
         * @description What loads (and how Spinnaker spellings are read), what is stored but has no effect, and what is unsupported, each with its path. Needs the permission saving the pipeline needs: WRITE on its application. See docs/spinnaker-compatibility.md.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description A pipeline document as it would be saved */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The application the pipeline would be saved in (needed for the permission check) */
                        application: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CompatibilityReport"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a pipeline at its latest version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Pipeline"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        /** Save a new version of a pipeline */
        put: {
            parameters: {
                query?: {
                    /** @description Refuse the save with 409 CONFLICT unless the pipeline is still at this version (optimistic locking) */
                    expectedVersion?: number;
                };
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description A pipeline definition (Spinnaker-like). Besides this schema, refIds must be unique and requisiteStageRefIds must name existing stages without cycles. */
            requestBody: {
                content: {
                    "application/json": {
                        application: string;
                        name: string;
                        description?: string;
                        parameters?: ({
                            name: string;
                            /** @default false */
                            required?: boolean;
                            default?: unknown;
                            description?: string;
                            label?: string;
                            hasOptions?: boolean;
                            options?: ({
                                value: string | number | boolean;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        })[];
                        triggers?: ({
                            /** @description One of manual, jenkins, webhook, cron, pipeline, git, docker, pubsub */
                            type: string;
                            /** @default true */
                            enabled?: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                        expectedArtifacts?: ({
                            id: string;
                            displayName?: string;
                            matchArtifact: {
                                type?: string;
                                name?: string;
                                version?: string;
                                location?: string;
                                reference?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            defaultArtifact?: {
                                type?: string;
                                name?: string;
                                version?: string;
                                reference?: string;
                                location?: string;
                                artifactAccount?: string;
                                customKind?: boolean;
                                metadata?: {
                                    [key: string]: unknown;
                                };
                                provenance?: string;
                                uuid?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @default false */
                            useDefaultArtifact?: boolean;
                            /** @default false */
                            usePriorArtifact?: boolean;
                        } & {
                            [key: string]: unknown;
                        })[];
                        /** @enum {string} */
                        expressionLanguage?: "cel" | "spel";
                        disabled?: boolean;
                        /** @default true */
                        limitConcurrent?: boolean;
                        /** @default false */
                        keepWaitingPipelines?: boolean;
                        stages: ({
                            refId: string | number;
                            type: string;
                            name?: string;
                            requisiteStageRefIds?: (string | number)[] | null;
                            /** @default true */
                            failPipeline?: boolean;
                            /** @default false */
                            continuePipeline?: boolean;
                            /** @default false */
                            completeOtherBranchesThenFail?: boolean;
                            stageTimeoutMs?: number;
                            stageEnabled?: string | ({
                                /** @enum {string} */
                                type: "expression";
                                expression: string;
                            } & {
                                [key: string]: unknown;
                            });
                        } & {
                            [key: string]: unknown;
                        })[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Pipeline"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        post?: never;
        /** Delete a pipeline (its executions keep their history); a locked one is refused (409) until unlocked */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of a pipeline, newest version first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            versions: components["schemas"]["PipelineVersion"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a pipeline */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    version: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PipelineVersion"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelineRepositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The git repositories pipelines are synced from, with each one’s last sync */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            repositories: {
                                name: string;
                                /** @description Without credentials */
                                url: string;
                                branch: string;
                                path: string;
                                intervalSeconds: number;
                                /** @description Where its push webhook posts */
                                webhookPath: string;
                                lastSync: components["schemas"]["PipelineSyncReport"] | null;
                            }[];
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelineRepositories/{repository}/syncs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A pipelines repository's sync reports, newest first (one per commit, with the errors per file) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    repository: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            syncs: components["schemas"]["PipelineSyncReport"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelineRepositories/{repository}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sync a pipelines repository now (a worker fetches its branch head) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    repository: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: true;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/pipelines/{repository}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A push webhook from GitHub, GitLab or Bitbucket for a pipelines repository
         * @description Proven with the repository's webhookSecret: GitHub's X-Hub-Signature-256 (or X-Hub-Signature), Bitbucket's X-Hub-Signature, GitLab's X-Gitlab-Token; or sent with an admin API token. A push to the configured branch queues a sync (202); other events and branches are answered 200 and do nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "x-hub-signature-256"?: string;
                    "x-hub-signature"?: string;
                    "x-gitlab-token"?: string;
                    "x-github-event"?: string;
                    "x-gitlab-event"?: string;
                    "x-event-key"?: string;
                };
                path: {
                    repository: string;
                };
                cookie?: never;
            };
            /** @description The host's push event, byte for byte */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: false;
                            reason: string;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: true;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What runs against its desired state: every watched object the caller may read, with the fields that drifted */
        get: {
            parameters: {
                query?: {
                    application?: string;
                    state?: "in-sync" | "drifted" | "missing";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            resources: components["schemas"]["DriftResource"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check drift now, of one drift watch or of one application’s objects (a worker compares and records) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A configured drift watch */
                        watch?: string;
                        /** @description Every object of this application (deployed by Gantry or in its watches) */
                        application?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: true;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/jenkins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A build notification from the Jenkins Notification plugin (JSON format)
         * @description Starts pipelines with a jenkins trigger on this master and job whose build ended as the trigger asks (default: phase COMPLETED, status SUCCESS). One execution per pipeline per build number.
         */
        post: {
            parameters: {
                query?: {
                    /** @description The Jenkins master, when the notifier cannot set a header */
                    master?: string;
                    /** @description The master's token (secret jenkins-<master>), when the notifier cannot set X-Gantry-Token */
                    token?: string;
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description The Jenkins master, as named in triggers (or ?master=) */
                    "x-jenkins-master"?: string;
                    /** @description The master's token: the configured secret jenkins-<master> (or ?token=) */
                    "x-gantry-token"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The job's name */
                        name: string;
                        /** @description The job, relative to Jenkins: job/<folder>/job/<name>/ */
                        url?: string;
                        build: {
                            full_url?: string;
                            number: number | string;
                            /** @description When the build was scheduled (ms); the same in all of its notifications */
                            timestamp?: number;
                            /** @description QUEUED, STARTED, COMPLETED or FINALIZED */
                            phase: string;
                            /** @description The result, once the build has one: SUCCESS, UNSTABLE, FAILURE, … */
                            status?: string;
                            url?: string;
                            scm?: {
                                url?: string;
                                branch?: string;
                                commit?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            parameters?: {
                                [key: string]: unknown;
                            };
                            artifacts?: {
                                [key: string]: {
                                    [key: string]: unknown;
                                };
                            };
                        } & {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/git/{host}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A push webhook from GitHub, GitLab or Bitbucket (Spinnaker echo's /webhooks/git/<host>)
         * @description Starts pipelines with a git trigger on the pushed repository (source, project, slug) whose branch regex matches the pushed branch. A trigger with a secret fires only for a delivery proven with it: GitHub's X-Hub-Signature-256 (or X-Hub-Signature), Bitbucket's X-Hub-Signature, GitLab's X-Gitlab-Token; a delivery proven with none of the repository’s secrets is refused (401). Without secrets: an API token with EXECUTE, or the host listed as git:<host> in GANTRY_WEBHOOK_OPEN_SOURCES. Pings, tags and pull requests start nothing (200). A delivery id seen in the last 24 hours starts nothing again.
         */
        post: {
            parameters: {
                query?: {
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description GitHub's sha256=<hex HMAC-SHA256 of the body> */
                    "x-hub-signature-256"?: string;
                    /** @description GitHub's sha1=<hex HMAC-SHA1>, Bitbucket's sha256=<hex HMAC-SHA256> */
                    "x-hub-signature"?: string;
                    /** @description GitLab's secret token */
                    "x-gitlab-token"?: string;
                    "x-github-event"?: string;
                    /** @description Bitbucket's event (repo:push, repo:refs_changed) */
                    "x-event-key"?: string;
                    "x-github-delivery"?: string;
                    "x-gitlab-event-uuid"?: string;
                    "x-request-uuid"?: string;
                };
                path: {
                    /** @description github, gitlab, bitbucket (Cloud and Server) or stash */
                    host: "github" | "gitlab" | "bitbucket" | "stash";
                };
                cookie?: never;
            };
            /** @description The host's push event JSON */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED: the source has a secret and the request carries no valid signature */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/docker/{source}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A registry's push notification: Docker Hub's webhook or the Docker distribution registry's event envelope
         * @description Starts pipelines with a docker trigger on the pushed repository (and registry) whose tag regex matches the pushed tag (without one: any tag but latest). The execution's trigger carries tag, registry, repository and a docker/image artifact. Each pushed tag starts each pipeline once.
         */
        post: {
            parameters: {
                query?: {
                    /** @description The sender's token (secret docker-<source>), for senders that cannot set a header */
                    token?: string;
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description The sender's token: the configured secret docker-<source> (or ?token=) */
                    "x-gantry-token"?: string;
                };
                path: {
                    source: string;
                };
                cookie?: never;
            };
            /** @description Docker Hub webhook JSON, or {events: [...]} (application/vnd.docker.distribution.events.v1+json) */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/pubsub/{system}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A message from a Google Pub/Sub push subscription
         * @description Starts pipelines with a pubsub trigger on the message's subscription whose payloadConstraints (on the JSON of message.data) and attributeConstraints (on message.attributes) it meets, each a regex over the whole value. A message id seen in the last 24 hours starts nothing again.
         */
        post: {
            parameters: {
                query?: {
                    /** @description The sender's token (secret pubsub-<system>), for senders that cannot set a header */
                    token?: string;
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description The sender's token: the configured secret pubsub-<system> (or ?token=) */
                    "x-gantry-token"?: string;
                };
                path: {
                    system: "google";
                };
                cookie?: never;
            };
            /** @description {message: {data: <base64>, attributes, messageId}, subscription: "projects/<p>/subscriptions/<name>"} */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/webhook/{source}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A webhook delivery from any source (GitHub, GitLab, a script…)
         * @description Starts pipelines with a webhook trigger on this source whose payloadConstraints the JSON payload meets. When a trigger of the source names a secret, the request must be signed: `X-Gantry-Signature: sha256=<hex>` or GitHub's `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body; otherwise 401 and nothing starts. A delivery id (`X-GitHub-Delivery` or `X-Gantry-Delivery`) seen in the last 24 hours starts nothing and answers with the first delivery’s executions.
         */
        post: {
            parameters: {
                query?: {
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description sha256=<hex HMAC-SHA256 of the raw body> */
                    "x-gantry-signature"?: string;
                    /** @description GitHub's signature header, same format */
                    "x-hub-signature-256"?: string;
                    /** @description A unique id per delivery, for de-duplication */
                    "x-gantry-delivery"?: string;
                    /** @description GitHub's delivery id */
                    "x-github-delivery"?: string;
                };
                path: {
                    source: string;
                };
                cookie?: never;
            };
            /** @description Any JSON payload (or a form-encoded `payload=<json>`, as GitHub can send) */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED: the source has a secret and the request carries no valid signature */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{source}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A webhook delivery from any source (GitHub, GitLab, a script…)
         * @description Starts pipelines with a webhook trigger on this source whose payloadConstraints the JSON payload meets. When a trigger of the source names a secret, the request must be signed: `X-Gantry-Signature: sha256=<hex>` or GitHub's `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body; otherwise 401 and nothing starts. A delivery id (`X-GitHub-Delivery` or `X-Gantry-Delivery`) seen in the last 24 hours starts nothing and answers with the first delivery’s executions.
         */
        post: {
            parameters: {
                query?: {
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description sha256=<hex HMAC-SHA256 of the raw body> */
                    "x-gantry-signature"?: string;
                    /** @description GitHub's signature header, same format */
                    "x-hub-signature-256"?: string;
                    /** @description A unique id per delivery, for de-duplication */
                    "x-gantry-delivery"?: string;
                    /** @description GitHub's delivery id */
                    "x-github-delivery"?: string;
                };
                path: {
                    source: string;
                };
                cookie?: never;
            };
            /** @description Any JSON payload (or a form-encoded `payload=<json>`, as GitHub can send) */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED: the source has a secret and the request carries no valid signature */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/git/{host}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A push webhook from GitHub, GitLab or Bitbucket (Spinnaker echo's /webhooks/git/<host>)
         * @description Starts pipelines with a git trigger on the pushed repository (source, project, slug) whose branch regex matches the pushed branch. A trigger with a secret fires only for a delivery proven with it: GitHub's X-Hub-Signature-256 (or X-Hub-Signature), Bitbucket's X-Hub-Signature, GitLab's X-Gitlab-Token; a delivery proven with none of the repository’s secrets is refused (401). Without secrets: an API token with EXECUTE, or the host listed as git:<host> in GANTRY_WEBHOOK_OPEN_SOURCES. Pings, tags and pull requests start nothing (200). A delivery id seen in the last 24 hours starts nothing again.
         */
        post: {
            parameters: {
                query?: {
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description GitHub's sha256=<hex HMAC-SHA256 of the body> */
                    "x-hub-signature-256"?: string;
                    /** @description GitHub's sha1=<hex HMAC-SHA1>, Bitbucket's sha256=<hex HMAC-SHA256> */
                    "x-hub-signature"?: string;
                    /** @description GitLab's secret token */
                    "x-gitlab-token"?: string;
                    "x-github-event"?: string;
                    /** @description Bitbucket's event (repo:push, repo:refs_changed) */
                    "x-event-key"?: string;
                    "x-github-delivery"?: string;
                    "x-gitlab-event-uuid"?: string;
                    "x-request-uuid"?: string;
                };
                path: {
                    /** @description github, gitlab, bitbucket (Cloud and Server) or stash */
                    host: "github" | "gitlab" | "bitbucket" | "stash";
                };
                cookie?: never;
            };
            /** @description The host's push event JSON */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED: the source has a secret and the request carries no valid signature */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description FORBIDDEN (details.missing names the permission the caller lacks) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/webhook/{source}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A webhook delivery from any source (GitHub, GitLab, a script…)
         * @description Starts pipelines with a webhook trigger on this source whose payloadConstraints the JSON payload meets. When a trigger of the source names a secret, the request must be signed: `X-Gantry-Signature: sha256=<hex>` or GitHub's `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body; otherwise 401 and nothing starts. A delivery id (`X-GitHub-Delivery` or `X-Gantry-Delivery`) seen in the last 24 hours starts nothing and answers with the first delivery’s executions.
         */
        post: {
            parameters: {
                query?: {
                    /** @description List every pipeline that listens for this event with what happened to it, near misses with why */
                    explain?: string;
                };
                header?: {
                    /** @description sha256=<hex HMAC-SHA256 of the raw body> */
                    "x-gantry-signature"?: string;
                    /** @description GitHub's signature header, same format */
                    "x-hub-signature-256"?: string;
                    /** @description A unique id per delivery, for de-duplication */
                    "x-gantry-delivery"?: string;
                    /** @description GitHub's delivery id */
                    "x-github-delivery"?: string;
                };
                path: {
                    source: string;
                };
                cookie?: never;
            };
            /** @description Any JSON payload (or a form-encoded `payload=<json>`, as GitHub can send) */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Nothing new started (no trigger matched, or a redelivery) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description At least one execution started */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TriggerResponse"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNAUTHORIZED: the source has a secret and the request carries no valid signature */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/pipelines/{application}/{pipelineName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Spinnaker Gate's pipeline trigger: POST /pipelines/{application}/{pipelineName}
         * @description The body is Gate's trigger map (`parameters`, `artifacts`, `expectedArtifactIds`, any other field kept on the trigger); `type` is always manual and `user` the caller. Answers Gate's `{ref: "/pipelines/<execution id>"}`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    application: string;
                    pipelineName: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        parameters?: {
                            [key: string]: unknown;
                        };
                        artifacts?: ({
                            type: string;
                            name?: string;
                            version?: string;
                            reference?: string;
                            location?: string;
                            artifactAccount?: string;
                            customKind?: boolean;
                            metadata?: {
                                [key: string]: unknown;
                            };
                            provenance?: string;
                            uuid?: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        expectedArtifactIds?: string[];
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ref: string;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/applications/{application}/pipelineConfigs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spinnaker Gate's GET /applications/{application}/pipelineConfigs
         * @description Every pipeline of the application at its latest version, in the saved (Spinnaker) form with `id`, `application`, `name`, `index` and `updateTs`; secret-named fields redacted.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    application: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        }[];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/applications/{application}/pipelineConfigs/{pipelineName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spinnaker Gate's GET /applications/{application}/pipelineConfigs/{pipelineName} (spin pipeline get)
         * @description One pipeline in the form GET /applications/{application}/pipelineConfigs lists it; by name, or by id as Gate also takes.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    application: string;
                    pipelineName: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Spinnaker Gate's GET /version: spin calls it before every command to check that Gate is reachable */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            version: string;
                        };
                    };
                };
                /** @description UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trigger a pipeline manually
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Values for the pipeline's parameters */
                        parameters?: {
                            [key: string]: unknown;
                        };
                        /** @description Extra trigger fields; type is always "manual" and user defaults to X-Gantry-User */
                        trigger?: {
                            user?: string;
                            /** @description Artifacts the pipeline's expectedArtifacts are bound from */
                            artifacts?: ({
                                type: string;
                                name?: string;
                                version?: string;
                                reference?: string;
                                location?: string;
                                artifactAccount?: string;
                                customKind?: boolean;
                                metadata?: {
                                    [key: string]: unknown;
                                };
                                provenance?: string;
                                uuid?: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @description Expected artifacts that must bind, or the execution does not start */
                            expectedArtifactIds?: string[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description DATABASE_UNAVAILABLE (PostgreSQL is unreachable; retry after the Retry-After seconds) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Executions, newest first, a page at a time */
        get: {
            parameters: {
                query?: {
                    application?: string;
                    pipelineId?: string;
                    /** @description Comma-separated statuses: NOT_STARTED, RUNNING, PAUSED, SUCCEEDED, FAILED_CONTINUE, TERMINAL, CANCELED, SKIPPED, STOPPED */
                    status?: string | string[];
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    /** @description Page size, default 50 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            executions: components["schemas"]["ExecutionSummary"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An execution with its stages, tasks, outputs and timings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail of an execution, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: components["schemas"]["AuditEvent"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an execution
         * @description Accepted: the engine carries the change out asynchronously. A stage that moved traffic (a canary, a deploy) first undoes it: the execution stays RUNNING with `canceled: true` until that cleanup has ended, then turns CANCELED.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExecutionSummary"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause an execution
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExecutionSummary"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused execution
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExecutionSummary"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restart a stage (and the stages after it)
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                    /** @description The stage's id or its refId */
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stage"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/skip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Skip the rest of a wait stage
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                    /** @description The stage's id or its refId */
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stage"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/judgment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a manual judgment (a manualJudgment stage, or a deploy waiting on its cluster.judgment)
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                    /** @description The stage's id or its refId */
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        judgmentStatus: "continue" | "stop";
                        /** @description One of the stage's judgmentInputs values */
                        judgmentInput?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stage"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}/overrideFreeze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Break glass: let a stage waiting in a deploy freeze go on (admin only; audited with who and why)
         * @description Accepted: the engine carries the change out asynchronously
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                    /** @description The stage's id or its refId */
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stage"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stages/{stageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Spinnaker's stage update: a manual judgment or skipRemainingWait
         * @description Accepted: the engine carries the change out asynchronously
         */
        patch: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    id: string;
                    /** @description The stage's id or its refId */
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        judgmentStatus?: "continue" | "stop";
                        /** @description One of the stage's judgmentInputs values */
                        judgmentInput?: string;
                        skipRemainingWait?: boolean;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stage"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/applications/{app}/chaosMonkey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An application's Chaos Monkey configuration (null: never configured) and its decisions, newest first: the kills made and the days without one */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    app: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            config: components["schemas"]["ChaosMonkeyConfig"] | null;
                            killSwitch: components["schemas"]["ChaosMonkeyKillSwitch"];
                            decisions: components["schemas"]["ChaosMonkeyDecision"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        /** Replace an application's Chaos Monkey configuration (opt in with enabled: true); needs WRITE on the application */
        put: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path: {
                    app: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChaosMonkeyConfigInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChaosMonkeyConfig"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chaosMonkey/killSwitch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Chaos Monkey's global kill switch: engaged, no kill happens anywhere */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChaosMonkeyKillSwitch"];
                    };
                };
            };
        };
        /** Engage or release Chaos Monkey's global kill switch; admin only */
        put: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        engaged: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChaosMonkeyKillSwitch"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description UNSUPPORTED_MEDIA_TYPE (bodies must be application/json) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An application's clusters across accounts, with their live server group names
         * @description Clusters Gantry has deployed or acted on, as the providers see them now; clusters without live server groups are left out. Beside them, the Kubernetes objects of the application (moniker.spinnaker.io/application) live in the kinds and namespaces its manifest stages acted on.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    app: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            application: string;
                            clusters: components["schemas"]["Cluster"][];
                            manifests: components["schemas"]["DeployedManifest"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters/{cluster}/serverGroups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A cluster's live server groups: image, capacity, traffic and health */
        get: {
            parameters: {
                query?: {
                    /** @description Only this account; default: every account that has the cluster */
                    account?: string;
                    /** @description Namespace or region; default: the account's own */
                    location?: string;
                };
                header?: never;
                path: {
                    app: string;
                    cluster: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            application: string;
                            cluster: string;
                            serverGroups: components["schemas"]["ServerGroup"][];
                        };
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters/{cluster}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll a cluster back to its newest earlier healthy server group
         * @description Creates an audited execution (of the system pipeline "rollback <cluster>") that enables the restored group, resizes it to the current group's capacity, waits until its instances are up, then takes the current group out of traffic. The execution's stage outputs report rollbackDurationMs (request → traffic restored).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    app: string;
                    cluster: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The account the cluster is in; required only when it is in several */
                        account?: string;
                        /** @description Namespace or region; default: wherever the cluster is (or the account's own) */
                        location?: string;
                        /** @description The server group to restore; default: the newest older one known to have been healthy */
                        serverGroupName?: string;
                        /** @description Why, for the audit trail */
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RollbackAccepted"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put a server group into traffic
         * @description Creates an audited execution of the system pipeline "<action> <cluster>" (one at a time per cluster and action, later ones wait) whose stage acts on the server group, so the deploy policy's traffic guards apply as in any pipeline.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    app: string;
                    cluster: string;
                    serverGroup: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The account the cluster is in; required only when it is in several */
                        account?: string;
                        /** @description Namespace or region; default: wherever the cluster is (or the account's own) */
                        location?: string;
                        /** @description Why, for the audit trail */
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServerGroupActionAccepted"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take a server group out of traffic
         * @description Creates an audited execution of the system pipeline "<action> <cluster>" (one at a time per cluster and action, later ones wait) whose stage acts on the server group, so the deploy policy's traffic guards apply as in any pipeline.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    app: string;
                    cluster: string;
                    serverGroup: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The account the cluster is in; required only when it is in several */
                        account?: string;
                        /** @description Namespace or region; default: wherever the cluster is (or the account's own) */
                        location?: string;
                        /** @description Why, for the audit trail */
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServerGroupActionAccepted"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{app}/clusters/{cluster}/serverGroups/{serverGroup}/resize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a server group's capacity
         * @description Creates an audited execution of the system pipeline "<action> <cluster>" (one at a time per cluster and action, later ones wait) whose stage acts on the server group, so the deploy policy's traffic guards apply as in any pipeline.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Ignored: the actor recorded is the authenticated caller */
                    "x-gantry-user"?: string;
                    /** @description Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED */
                    "idempotency-key"?: string;
                };
                path: {
                    app: string;
                    cluster: string;
                    serverGroup: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The account the cluster is in; required only when it is in several */
                        account?: string;
                        /** @description Namespace or region; default: wherever the cluster is (or the account's own) */
                        location?: string;
                        /** @description Why, for the audit trail */
                        reason?: string;
                        capacity: {
                            min: number;
                            max: number;
                            desired: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServerGroupActionAccepted"];
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description CONFLICT (the current state does not allow it) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule) */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_ERROR: the cloud refused the call; the message names provider, operation, account, location and resource */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description PROVIDER_UNAVAILABLE: the cloud is throttling or unreachable; try again */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-sent events: `changed` each time the execution changes (read it again with GET /executions/:id)
         * @description A text/event-stream. The first `changed` event comes at once; then one after each committed change to the execution, its stages, tasks or audit log (changes within a short interval are sent as one), from whichever process made it. Comment lines keep the stream alive. Each event carries `{"id"}` only: the client reads the execution itself, so it sees exactly what GET /executions/:id shows it.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A text/event-stream of `changed` events */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
                /** @description NOT_FOUND */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorResponse"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Chaos Monkey 2's settings for the application: enabled, meanTimeBetweenKillsInWorkDays, minTimeBetweenKillsInWorkDays, grouping (app, stack, cluster), exceptions ({account, location, cluster}), killWindow ({start, end, timeZone, workDays}), notifications ({type, address}) */
        ChaosMonkeyConfigInput: {
            enabled: boolean;
            /** @default 5 */
            meanTimeBetweenKillsInWorkDays: number;
            /** @default 1 */
            minTimeBetweenKillsInWorkDays: number;
            /**
             * @default cluster
             * @enum {string}
             */
            grouping: "app" | "stack" | "cluster";
            /** @default [] */
            exceptions: {
                account?: string;
                location?: string;
                cluster?: string;
            }[];
            /**
             * @default {
             *       "start": "09:00",
             *       "end": "15:00",
             *       "timeZone": "America/Los_Angeles",
             *       "workDays": [
             *         "MON",
             *         "TUE",
             *         "WED",
             *         "THU",
             *         "FRI"
             *       ]
             *     }
             */
            killWindow: {
                /** @default 09:00 */
                start: string;
                /** @default 15:00 */
                end: string;
                /** @default America/Los_Angeles */
                timeZone: string;
                /**
                 * @default [
                 *       "MON",
                 *       "TUE",
                 *       "WED",
                 *       "THU",
                 *       "FRI"
                 *     ]
                 */
                workDays: ("SUN" | "MON" | "TUE" | "WED" | "THU" | "FRI" | "SAT")[];
            };
            /** @default [] */
            notifications: {
                /** @enum {string} */
                type: "slack" | "email" | "webhook" | "microsoftteams" | "googlechat";
                address: string;
            }[];
        };
        /** @description Every error the API returns has this shape */
        ErrorResponse: {
            error: {
                /** @description BAD_JSON | VALIDATION | UNAUTHORIZED | FORBIDDEN | NOT_FOUND | CONFLICT | IDEMPOTENCY_KEY_REUSED | POLICY_VIOLATION | PAYLOAD_TOO_LARGE | UNSUPPORTED_MEDIA_TYPE | BAD_REQUEST | DATABASE_UNAVAILABLE | INTERNAL */
                code: string;
                /** @description What went wrong; for VALIDATION it names the first offending fields */
                message: string;
                /** @description VALIDATION: {issues: [{path: (string|number)[], pathString, message}]}; POLICY_VIOLATION: {violations: [{rule, message}]}; INTERNAL: {requestId} */
                details: unknown;
            };
        };
        ApiToken: {
            /** Format: uuid */
            id: string;
            name: string;
            roles: string[];
            createdBy: string | null;
            createdAt: string;
            expiresAt: string | null;
            revokedAt: string | null;
            lastUsedAt: string | null;
            /** @description Set: the token acts as this service account, with its roles */
            serviceAccount: string | null;
        };
        ServiceAccount: {
            name: string;
            roles: string[];
            createdBy: string | null;
            createdAt: string;
        };
        ServerGroup: {
            name: string;
            account: string;
            location: string | null;
            cluster: string;
            sequence: number;
            image: string;
            capacity: {
                min: number;
                max: number;
                desired: number;
            };
            /** @description Taking traffic */
            enabled: boolean;
            health: {
                desired: number;
                up: number;
                down: number;
                unknown: number;
            };
            /** @description Every desired instance is up */
            healthy: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @description The provider's own facts: resource ids, and for local groups the cluster's proxyUrl, metricsUrl and samplesUrl */
            details: {
                [key: string]: unknown;
            };
        };
        Cluster: {
            name: string;
            account: string;
            location: string | null;
            /** @description Live server group names, newest first */
            serverGroups: string[];
        };
        DeployedManifest: {
            kind: string;
            apiVersion: string;
            name: string;
            /** @description Absent for cluster-scoped kinds */
            namespace?: string;
            account: string;
            /** @description Its moniker cluster (moniker.spinnaker.io/cluster), Spinnaker's "<kind> <name>" by default */
            cluster: string;
            /** @description The -vNNN of a versioned object (moniker.spinnaker.io/sequence) */
            version?: number;
            stable: boolean;
            /** @description 'stable', or what it waits for or why it failed, by Spinnaker's per-kind rules */
            status: string;
            createdAt?: string;
        };
        RollbackAccepted: {
            /** @description The execution that carries out the rollback */
            id: string;
            status: string;
            application: string;
            cluster: string;
            account: string;
            location: string | null;
            /** @description The group that takes the traffic back (as decided when asked; the execution decides again) */
            restoredServerGroup: string;
            /** @description The group that leaves traffic */
            rolledBackServerGroup: string;
        };
        ServerGroupActionAccepted: {
            /** @description The execution that carries out the action */
            id: string;
            status: string;
            application: string;
            cluster: string;
            serverGroup: string;
            /** @enum {string} */
            action: "enable" | "disable" | "resize";
            account: string;
            location: string | null;
        };
        Task: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "NOT_STARTED" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "SKIPPED" | "STOPPED";
            attempt: number;
            index: number;
            retries: number;
            /** @description Run because another task of the stage failed (a deploy's rollback.onFailure); the stage still fails */
            onFailure: boolean;
            error: {
                [key: string]: unknown;
            } | null;
            startTime: string | null;
            endTime: string | null;
        };
        Stage: {
            id: string;
            refId: string;
            type: string;
            name: string;
            /** @enum {string} */
            status: "NOT_STARTED" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "SKIPPED" | "STOPPED";
            requisiteStageRefIds: string[];
            context: {
                [key: string]: unknown;
            };
            outputs: {
                [key: string]: unknown;
            };
            attempt: number;
            error: {
                [key: string]: unknown;
            } | null;
            startTime: string | null;
            endTime: string | null;
            tasks: components["schemas"]["Task"][];
        };
        ExecutionSummary: {
            id: string;
            pipelineId: string;
            pipelineVersion: number;
            application: string;
            name: string;
            /** @enum {string} */
            status: "NOT_STARTED" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "SKIPPED" | "STOPPED";
            trigger: {
                [key: string]: unknown;
            };
            parameters: {
                [key: string]: unknown;
            };
            parentExecutionId: string | null;
            canceled: boolean;
            canceledBy: string | null;
            cancellationReason: string | null;
            pausedBy: string | null;
            pauseTime: string | null;
            /** Format: date-time */
            buildTime: string;
            startTime: string | null;
            endTime: string | null;
        };
        Execution: {
            id: string;
            pipelineId: string;
            pipelineVersion: number;
            application: string;
            name: string;
            /** @enum {string} */
            status: "NOT_STARTED" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED_CONTINUE" | "TERMINAL" | "CANCELED" | "SKIPPED" | "STOPPED";
            trigger: {
                [key: string]: unknown;
            };
            parameters: {
                [key: string]: unknown;
            };
            parentExecutionId: string | null;
            canceled: boolean;
            canceledBy: string | null;
            cancellationReason: string | null;
            pausedBy: string | null;
            pauseTime: string | null;
            /** Format: date-time */
            buildTime: string;
            startTime: string | null;
            endTime: string | null;
            stages: components["schemas"]["Stage"][];
        };
        AuditEvent: {
            id: string;
            executionId: string | null;
            pipelineId: string | null;
            stageId: string | null;
            type: string;
            actor: string | null;
            data: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
        };
        Readiness: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            checks: {
                name: string;
                ok: boolean;
                error?: string;
            }[];
        };
        Pipeline: {
            /** Format: uuid */
            id: string;
            application: string;
            name: string;
            /** @description Latest version; every save adds one */
            version: number;
            /** @description The latest definition, as validated and normalised at save time */
            definition: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Set when the pipeline is synced from git: edit it there (the API refuses with 409) */
            source?: {
                /** @description The configured pipelines repository */
                repository: string;
                /** @description The file in it */
                path: string;
                /** @description The commit the latest version was read at */
                commit: string | null;
            };
        };
        PipelineVersion: {
            /** Format: uuid */
            pipelineId: string;
            version: number;
            definition: {
                [key: string]: unknown;
            };
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description The commit a version synced from git was read at */
            gitCommit?: string;
        };
        CompatibilityReport: {
            /** @description Whether saving this document succeeds; exactly then `unsupported` is empty */
            accepted: boolean;
            loads: {
                path: (string | number)[];
                /** @description The path joined with ".", e.g. stages.2.clusters.0.image */
                pathString: string;
                message: string;
            }[];
            ignored: {
                path: (string | number)[];
                /** @description The path joined with ".", e.g. stages.2.clusters.0.image */
                pathString: string;
                message: string;
            }[];
            unsupported: {
                path: (string | number)[];
                /** @description The path joined with ".", e.g. stages.2.clusters.0.image */
                pathString: string;
                message: string;
            }[];
        };
        PipelineSyncReport: {
            repository: string;
            commit: string;
            /** @description All of the commit was applied; false: none of it (see the files in error) */
            applied: boolean;
            /** @description The files of applications the caller may READ (all of them for an admin) */
            files: {
                path: string;
                /**
                 * @description notApplied: the file is fine but another file of its commit is in error, so nothing of the commit was applied
                 * @enum {string}
                 */
                outcome: "created" | "updated" | "unchanged" | "disabled" | "error" | "notApplied";
                pipelineId?: string;
                application?: string;
                name?: string;
                version?: number;
                errors?: string[];
            }[];
            /** @description Files of the commit left out: of applications the caller may not READ, or in error before naming one */
            withheldFiles: number;
            syncedAt: string;
        };
        DriftResource: {
            account: string;
            /** @description '' for a cluster-scoped object; a server group's region */
            namespace: string;
            /** @description The Kubernetes kind, or ServerGroup for an AWS/GCP server group */
            kind: string;
            name: string;
            /** @description The Kubernetes apiVersion, or a server group's cloud provider (aws, gcp) */
            apiVersion: string;
            application: string | null;
            /** @description The drift watch whose git manifests are its desired state; null: what Gantry deployed */
            watch: string | null;
            /** @enum {string} */
            state: "in-sync" | "drifted" | "missing";
            /** @description The fields that differ, desired against live (drifted only) */
            fields: {
                /** @description The field, as kubectl writes a path: spec.replicas, spec.template.spec.containers[name=web].image; a server group's: capacity.desired, launchTemplate.version, instanceTemplate.name, image */
                path: string;
                /** @description What the desired manifest sets (absent: it sets nothing the live object has there) */
                desired: unknown;
                /** @description What runs (absent: the live object lacks the field) */
                live: unknown;
            }[];
            /** @description When the object entered this state */
            since: string;
            /** @description The last check that saw it */
            checkedAt: string;
        };
        TriggerResponse: {
            /** @description The executions this event started (202), or had started before (200) */
            executions: {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                pipelineId: string;
                pipelineName: string;
                application: string;
                /** @description This event had started it before (a redelivery or a repeated notification) */
                duplicate: boolean;
            }[];
            /** @description A redelivery of a delivery id seen in the last 24 hours: nothing new was started */
            duplicate: boolean;
            deliveryId: string | null;
            /** @description With ?explain=true only */
            decisions?: {
                /** Format: uuid */
                pipelineId: string;
                pipelineName: string;
                application: string;
                /** @description The trigger that matched, if one did */
                triggerIndex: number | null;
                /** @enum {string} */
                outcome: "started" | "duplicate" | "skipped";
                /** @description Why it did not start, e.g. "trigger 0: \"ref\" is \"refs/heads/dev\", not \"refs/heads/main\"" */
                reason?: string;
                /** Format: uuid */
                executionId?: string;
            }[];
        };
        /** @description Chaos Monkey 2's settings for the application: enabled, meanTimeBetweenKillsInWorkDays, minTimeBetweenKillsInWorkDays, grouping (app, stack, cluster), exceptions ({account, location, cluster}), killWindow ({start, end, timeZone, workDays}), notifications ({type, address}) */
        ChaosMonkeyConfig: {
            enabled: boolean;
            /** @default 5 */
            meanTimeBetweenKillsInWorkDays: number;
            /** @default 1 */
            minTimeBetweenKillsInWorkDays: number;
            /**
             * @default cluster
             * @enum {string}
             */
            grouping: "app" | "stack" | "cluster";
            /** @default [] */
            exceptions: {
                account?: string;
                location?: string;
                cluster?: string;
            }[];
            /**
             * @default {
             *       "start": "09:00",
             *       "end": "15:00",
             *       "timeZone": "America/Los_Angeles",
             *       "workDays": [
             *         "MON",
             *         "TUE",
             *         "WED",
             *         "THU",
             *         "FRI"
             *       ]
             *     }
             */
            killWindow: {
                /** @default 09:00 */
                start: string;
                /** @default 15:00 */
                end: string;
                /** @default America/Los_Angeles */
                timeZone: string;
                /**
                 * @default [
                 *       "MON",
                 *       "TUE",
                 *       "WED",
                 *       "THU",
                 *       "FRI"
                 *     ]
                 */
                workDays: ("SUN" | "MON" | "TUE" | "WED" | "THU" | "FRI" | "SAT")[];
            };
            /** @default [] */
            notifications: {
                /** @enum {string} */
                type: "slack" | "email" | "webhook" | "microsoftteams" | "googlechat";
                address: string;
            }[];
        };
        ChaosMonkeyDecision: {
            /** @description `<grouping>:<account>/<location>/<app, stack or cluster>` */
            groupKey: string;
            /** @description YYYY-MM-DD in the kill window time zone */
            day: string;
            /** @enum {string} */
            status: "SCHEDULED" | "KILLED" | "SKIPPED" | "FAILED";
            reason: string | null;
            members: {
                account: string;
                location?: string;
                cluster: string;
                serverGroup: string;
            }[];
            killAt: string | null;
            victim: {
                account: string;
                location?: string;
                cluster: string;
                serverGroup: string;
                instanceId: string;
            } | null;
            attempts: number;
            lastError: string | null;
            decidedAt: string;
            killedAt: string | null;
        };
        ChaosMonkeyKillSwitch: {
            engaged: boolean;
            updatedBy: string | null;
            updatedAt: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
