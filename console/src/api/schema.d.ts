/**
 * Generated from the service's OpenAPI document by `npm run console:api`: do not edit.
 * test/console/api-types.test.ts fails when it no longer matches /openapi.json.
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in: exchange email and password for a bearer token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "email": "admin@example.com",
                     *       "password": "correct horse battery"
                     *     }
                     */
                    "application/json": {
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description A bearer token and when it expires. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "token": "wb_3f9c1e0a7d2b4c6e8f1a2b3c4d5e6f70",
                         *       "expires_at": "2025-06-02T08:00:00.000Z",
                         *       "admin": {
                         *         "id": 1,
                         *         "email": "admin@example.com",
                         *         "name": "Admin"
                         *       }
                         *     }
                         */
                        "application/json": {
                            admin: {
                                email: string;
                                id: number;
                                name: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /**
                             * Format: date-time
                             * @description ISO-8601, UTC.
                             */
                            expires_at: string;
                            /** @enum {boolean} */
                            success: true;
                            /** @description Send as `Authorization: Bearer <token>`. */
                            token: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List customers */
        get: {
            parameters: {
                query: {
                    page: number;
                    per_page: number;
                    search?: string;
                    status?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of customers. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 101,
                         *           "name": "Budi Santoso",
                         *           "phone": "0812-3456-7890",
                         *           "whatsapp_number": "6281234567890",
                         *           "phone_error": null,
                         *           "status": "active",
                         *           "attributes": {
                         *             "city": "Bandung"
                         *           },
                         *           "opted_out": false,
                         *           "opted_out_at": null,
                         *           "opted_out_source": null,
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "updated_at": "2025-06-01T08:00:00.000Z"
                         *         }
                         *       ],
                         *       "meta": {
                         *         "page": 1,
                         *         "per_page": 20,
                         *         "total": 1
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: ({
                                attributes: {
                                    [key: string]: string | number;
                                };
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                id: number;
                                name: string;
                                opted_out: boolean;
                                opted_out_at: string | null;
                                opted_out_source: string | null;
                                phone: string | null;
                                phone_error: string | null;
                                status: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                whatsapp_number: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            meta: {
                                page: number;
                                per_page: number;
                                total: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create or update customers: one, or many with {customers: [...]}
         * @description Up to 5000 customers per request; all or none are saved. A customer given with `id` (your own customer id) is created with that id, or, when it exists, replaced by what you send (opt-outs are kept); one whose values are already stored is not written (counted as `unchanged`). An id may appear once per request. With the header `Prefer: return=minimal` the answer carries only the counts, not `data` (faster for a bulk sync).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /**
                     * @description `return=minimal`: answer with the counts only, without `data`.
                     * @example return=minimal
                     */
                    prefer?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Extra values usable in message templates as {key}. */
                        attributes?: {
                            [key: string]: string | number;
                        };
                        /** @description Your own customer id (optional). A customer with this id is replaced by what you send (a field left out takes its default; opt-outs are kept); otherwise it is created with this id. Without an id the service gives one. */
                        id?: number;
                        name: string;
                        phone?: string | null;
                        status?: string;
                    } | {
                        customers: {
                            /** @description Extra values usable in message templates as {key}. */
                            attributes?: {
                                [key: string]: string | number;
                            };
                            /** @description Your own customer id (optional). A customer with this id is replaced by what you send (a field left out takes its default; opt-outs are kept); otherwise it is created with this id. Without an id the service gives one. */
                            id?: number;
                            name: string;
                            phone?: string | null;
                            status?: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description 201 when at least one customer was created, 200 when the request only updated or confirmed existing ones. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 101,
                         *           "name": "Budi Santoso",
                         *           "phone": "0812-3456-7890",
                         *           "whatsapp_number": "6281234567890",
                         *           "phone_error": null,
                         *           "status": "active",
                         *           "attributes": {
                         *             "city": "Bandung"
                         *           },
                         *           "opted_out": false,
                         *           "opted_out_at": null,
                         *           "opted_out_source": null,
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "updated_at": "2025-06-01T08:00:00.000Z"
                         *         }
                         *       ],
                         *       "created": 1,
                         *       "updated": 0,
                         *       "unchanged": 0
                         *     }
                         */
                        "application/json": {
                            /** @description Customers created (without an id, or with an id no customer had). */
                            created: number;
                            /** @description Every customer of the request, as stored now, in the order given. Left out with `Prefer: return=minimal`. */
                            data?: ({
                                attributes: {
                                    [key: string]: string | number;
                                };
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                id: number;
                                name: string;
                                opted_out: boolean;
                                opted_out_at: string | null;
                                opted_out_source: string | null;
                                phone: string | null;
                                phone_error: string | null;
                                status: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                whatsapp_number: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @enum {boolean} */
                            success: true;
                            /** @description Customers whose id existed with exactly these values: not written at all. */
                            unchanged: number;
                            /** @description Customers whose id existed and whose stored values changed. */
                            updated: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description 201 when at least one customer was created, 200 when the request only updated or confirmed existing ones. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 101,
                         *           "name": "Budi Santoso",
                         *           "phone": "0812-3456-7890",
                         *           "whatsapp_number": "6281234567890",
                         *           "phone_error": null,
                         *           "status": "active",
                         *           "attributes": {
                         *             "city": "Bandung"
                         *           },
                         *           "opted_out": false,
                         *           "opted_out_at": null,
                         *           "opted_out_source": null,
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "updated_at": "2025-06-01T08:00:00.000Z"
                         *         }
                         *       ],
                         *       "created": 1,
                         *       "updated": 0,
                         *       "unchanged": 0
                         *     }
                         */
                        "application/json": {
                            /** @description Customers created (without an id, or with an id no customer had). */
                            created: number;
                            /** @description Every customer of the request, as stored now, in the order given. Left out with `Prefer: return=minimal`. */
                            data?: ({
                                attributes: {
                                    [key: string]: string | number;
                                };
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                id: number;
                                name: string;
                                opted_out: boolean;
                                opted_out_at: string | null;
                                opted_out_source: string | null;
                                phone: string | null;
                                phone_error: string | null;
                                status: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                whatsapp_number: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @enum {boolean} */
                            success: true;
                            /** @description Customers whose id existed with exactly these values: not written at all. */
                            unchanged: number;
                            /** @description Customers whose id existed and whose stored values changed. */
                            updated: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one customer */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The customer. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 101,
                         *         "name": "Budi Santoso",
                         *         "phone": "0812-3456-7890",
                         *         "whatsapp_number": "6281234567890",
                         *         "phone_error": null,
                         *         "status": "active",
                         *         "attributes": {
                         *           "city": "Bandung"
                         *         },
                         *         "opted_out": false,
                         *         "opted_out_at": null,
                         *         "opted_out_source": null,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                attributes: {
                                    [key: string]: string | number;
                                };
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                id: number;
                                name: string;
                                opted_out: boolean;
                                opted_out_at: string | null;
                                opted_out_source: string | null;
                                phone: string | null;
                                phone_error: string | null;
                                status: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                whatsapp_number: string | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a customer */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true
                         *     }
                         */
                        "application/json": {
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a customer */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Extra values usable in message templates as {key}. */
                        attributes?: {
                            [key: string]: string | number;
                        };
                        name?: string;
                        opted_out?: boolean;
                        phone?: string | null;
                        status?: string;
                    };
                };
            };
            responses: {
                /** @description The customer. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 101,
                         *         "name": "Budi Santoso",
                         *         "phone": "0812-3456-7890",
                         *         "whatsapp_number": "6281234567890",
                         *         "phone_error": null,
                         *         "status": "active",
                         *         "attributes": {
                         *           "city": "Bandung"
                         *         },
                         *         "opted_out": false,
                         *         "opted_out_at": null,
                         *         "opted_out_source": null,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                attributes: {
                                    [key: string]: string | number;
                                };
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                id: number;
                                name: string;
                                opted_out: boolean;
                                opted_out_at: string | null;
                                opted_out_source: string | null;
                                phone: string | null;
                                phone_error: string | null;
                                status: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                whatsapp_number: string | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/customers/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import customers from a CSV file
         * @description Upserts by sanitised phone number: a number a customer already has updates that customer (name, status if given, attributes merged), a new number creates one. With an `id` column (your own customer ids) rows are matched by id instead (the number is updated too), and a row whose number another customer has is rejected. Rows with an invalid number or id are rejected with their line and reason; a row that would change nothing is not written (`unchanged`). The file is streamed in batches of 1,000 rows, each in its own transaction; a bad header is a 422 before any row is stored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "file": "name,phone,status,city\nBudi Santoso,0812-3456-7890,active,Bandung\n"
                     *     }
                     */
                    "multipart/form-data": {
                        /**
                         * Format: binary
                         * @description UTF-8 CSV whose first line names the columns: `name` and `phone` (required), `id` (optional: your own customer id; with it rows are matched by id, and every row needs one), `status` (optional), and any other column as an attribute (`city` → `{city}` in templates). Quoted fields, CRLF line ends and a BOM are fine. At most 1 GiB.
                         */
                        file: string;
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
                        /**
                         * @example {
                         *       "success": true,
                         *       "created": 997,
                         *       "updated": 1,
                         *       "unchanged": 1,
                         *       "rejected": 1,
                         *       "rejected_rows": [
                         *         {
                         *           "line": 17,
                         *           "reason": "phone number is too short"
                         *         }
                         *       ],
                         *       "rejected_rows_truncated": false
                         *     }
                         */
                        "application/json": {
                            /** @description Rows whose number (or id, in a file with an id column) no customer had: a new customer each. */
                            created: number;
                            /** @description Rows not imported; see rejected_rows. */
                            rejected: number;
                            /** @description The first 1000 rejected rows, in file order. */
                            rejected_rows: ({
                                /** @description Line in the file where the row starts; the header is line 1. */
                                line: number;
                                reason: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @description true when more than 1000 rows were rejected. */
                            rejected_rows_truncated: boolean;
                            /** @enum {boolean} */
                            success: true;
                            /** @description Rows of an existing customer that would change nothing: not written. */
                            unchanged: number;
                            /** @description Rows whose number (or id) a customer already had, or an earlier row of the file: that customer was updated. */
                            updated: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/senders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sending numbers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every sender that is not deleted, by id. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 2,
                         *           "name": "Toko Bandung",
                         *           "provider": "fonnte",
                         *           "display_number": "6281234567890",
                         *           "source": "api",
                         *           "has_credentials": true,
                         *           "pause_min_ms": 3000,
                         *           "pause_max_ms": 5000,
                         *           "max_in_flight": 1,
                         *           "max_per_second": 1,
                         *           "slowed_down": null,
                         *           "daily_cap": 500,
                         *           "warmup": {
                         *             "start_cap": 50,
                         *             "days": 14,
                         *             "started_at": "2025-06-01T08:00:00.000Z"
                         *           },
                         *           "today": {
                         *             "day": "2025-06-03",
                         *             "sent": 12,
                         *             "cap": 114
                         *           },
                         *           "state": "active",
                         *           "paused_reason": null,
                         *           "paused_by": null,
                         *           "paused_at": null,
                         *           "resting_until": null,
                         *           "next_send_at": "2025-06-03T08:00:04.000Z",
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "updated_at": "2025-06-01T08:00:00.000Z"
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            data: ({
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                daily_cap: number | null;
                                display_number: string | null;
                                /** @description Credentials are stored for it (they are never shown). */
                                has_credentials: boolean;
                                id: number;
                                /** @description In effect: its own value, SEND_MAX_IN_FLIGHT or the provider's default. */
                                max_in_flight: number;
                                /** @description In effect: its own value, SEND_MAX_PER_SECOND or the provider's default. */
                                max_per_second: number;
                                name: string | null;
                                next_send_at: string | null;
                                /** @description In effect: its own value, SEND_DELAY_MAX_MS or the provider's default. */
                                pause_max_ms: number;
                                /** @description In effect: its own value, SEND_DELAY_MIN_MS or the provider's default. */
                                pause_min_ms: number;
                                paused_at: string | null;
                                paused_by: ("admin" | "provider") | null;
                                paused_reason: string | null;
                                provider: string;
                                resting_until: string | null;
                                slowed_down: ({
                                    max_in_flight: number;
                                    max_per_second: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    since: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description `environment`: WA_GATEWAY and its variables. */
                                source: "environment" | "api";
                                state: "active" | "paused";
                                today: {
                                    cap: number | null;
                                    /** @description The local day in TIMEZONE, YYYY-MM-DD. */
                                    day: string;
                                    /** @description Requests made to the provider today. */
                                    sent: number;
                                } & {
                                    [key: string]: unknown;
                                };
                                updated_at: string | null;
                                warmup: ({
                                    days: number;
                                    start_cap: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    started_at: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a sending number with its provider credentials
         * @description `credentials` takes the provider's variables under their environment names (docs/providers.md); they are stored encrypted under SECRET_KEY and never returned. Without SECRET_KEY only providers that need no credentials (log) can be added (503 otherwise).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "name": "Toko Bandung",
                     *       "provider": "fonnte",
                     *       "display_number": "0812-3456-7890",
                     *       "credentials": {
                     *         "FONNTE_TOKEN": "your-fonnte-device-token"
                     *       },
                     *       "daily_cap": 500,
                     *       "warmup": {
                     *         "start_cap": 50,
                     *         "days": 14
                     *       }
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description The provider's settings under the names of its environment variables (docs/providers.md), e.g. `FONNTE_TOKEN`. Write-only: stored encrypted under SECRET_KEY, never returned. On PATCH the whole set is replaced.
                         * @example {
                         *       "FONNTE_TOKEN": "your-fonnte-device-token"
                         *     }
                         */
                        credentials?: {
                            [key: string]: string;
                        };
                        daily_cap?: number | null;
                        /**
                         * @description The WhatsApp number, as typed; stored as digits with the country code.
                         * @example 0812-3456-7890
                         */
                        display_number: string;
                        max_in_flight?: number | null;
                        max_per_second?: number | null;
                        name?: string | null;
                        pause_max_ms?: number | null;
                        pause_min_ms?: number | null;
                        /** @description With state `paused`: why (default "paused by an admin"). */
                        paused_reason?: string;
                        /**
                         * @description One of: fonnte, log, meta, twilio, watzap.
                         * @example fonnte
                         */
                        provider: string;
                        state?: "active" | "paused";
                        warmup?: {
                            /** @description Days until the cap reaches daily_cap. */
                            days: number;
                            /** @description The cap on day 0; at most daily_cap. */
                            start_cap: number;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description The sender. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 2,
                         *         "name": "Toko Bandung",
                         *         "provider": "fonnte",
                         *         "display_number": "6281234567890",
                         *         "source": "api",
                         *         "has_credentials": true,
                         *         "pause_min_ms": 3000,
                         *         "pause_max_ms": 5000,
                         *         "max_in_flight": 1,
                         *         "max_per_second": 1,
                         *         "slowed_down": null,
                         *         "daily_cap": 500,
                         *         "warmup": {
                         *           "start_cap": 50,
                         *           "days": 14,
                         *           "started_at": "2025-06-01T08:00:00.000Z"
                         *         },
                         *         "today": {
                         *           "day": "2025-06-03",
                         *           "sent": 12,
                         *           "cap": 114
                         *         },
                         *         "state": "active",
                         *         "paused_reason": null,
                         *         "paused_by": null,
                         *         "paused_at": null,
                         *         "resting_until": null,
                         *         "next_send_at": "2025-06-03T08:00:04.000Z",
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                daily_cap: number | null;
                                display_number: string | null;
                                /** @description Credentials are stored for it (they are never shown). */
                                has_credentials: boolean;
                                id: number;
                                /** @description In effect: its own value, SEND_MAX_IN_FLIGHT or the provider's default. */
                                max_in_flight: number;
                                /** @description In effect: its own value, SEND_MAX_PER_SECOND or the provider's default. */
                                max_per_second: number;
                                name: string | null;
                                next_send_at: string | null;
                                /** @description In effect: its own value, SEND_DELAY_MAX_MS or the provider's default. */
                                pause_max_ms: number;
                                /** @description In effect: its own value, SEND_DELAY_MIN_MS or the provider's default. */
                                pause_min_ms: number;
                                paused_at: string | null;
                                paused_by: ("admin" | "provider") | null;
                                paused_reason: string | null;
                                provider: string;
                                resting_until: string | null;
                                slowed_down: ({
                                    max_in_flight: number;
                                    max_per_second: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    since: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description `environment`: WA_GATEWAY and its variables. */
                                source: "environment" | "api";
                                state: "active" | "paused";
                                today: {
                                    cap: number | null;
                                    /** @description The local day in TIMEZONE, YYYY-MM-DD. */
                                    day: string;
                                    /** @description Requests made to the provider today. */
                                    sent: number;
                                } & {
                                    [key: string]: unknown;
                                };
                                updated_at: string | null;
                                warmup: ({
                                    days: number;
                                    start_cap: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    started_at: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description A dependency is down; retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/senders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one sending number */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sender. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 2,
                         *         "name": "Toko Bandung",
                         *         "provider": "fonnte",
                         *         "display_number": "6281234567890",
                         *         "source": "api",
                         *         "has_credentials": true,
                         *         "pause_min_ms": 3000,
                         *         "pause_max_ms": 5000,
                         *         "max_in_flight": 1,
                         *         "max_per_second": 1,
                         *         "slowed_down": null,
                         *         "daily_cap": 500,
                         *         "warmup": {
                         *           "start_cap": 50,
                         *           "days": 14,
                         *           "started_at": "2025-06-01T08:00:00.000Z"
                         *         },
                         *         "today": {
                         *           "day": "2025-06-03",
                         *           "sent": 12,
                         *           "cap": 114
                         *         },
                         *         "state": "active",
                         *         "paused_reason": null,
                         *         "paused_by": null,
                         *         "paused_at": null,
                         *         "resting_until": null,
                         *         "next_send_at": "2025-06-03T08:00:04.000Z",
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                daily_cap: number | null;
                                display_number: string | null;
                                /** @description Credentials are stored for it (they are never shown). */
                                has_credentials: boolean;
                                id: number;
                                /** @description In effect: its own value, SEND_MAX_IN_FLIGHT or the provider's default. */
                                max_in_flight: number;
                                /** @description In effect: its own value, SEND_MAX_PER_SECOND or the provider's default. */
                                max_per_second: number;
                                name: string | null;
                                next_send_at: string | null;
                                /** @description In effect: its own value, SEND_DELAY_MAX_MS or the provider's default. */
                                pause_max_ms: number;
                                /** @description In effect: its own value, SEND_DELAY_MIN_MS or the provider's default. */
                                pause_min_ms: number;
                                paused_at: string | null;
                                paused_by: ("admin" | "provider") | null;
                                paused_reason: string | null;
                                provider: string;
                                resting_until: string | null;
                                slowed_down: ({
                                    max_in_flight: number;
                                    max_per_second: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    since: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description `environment`: WA_GATEWAY and its variables. */
                                source: "environment" | "api";
                                state: "active" | "paused";
                                today: {
                                    cap: number | null;
                                    /** @description The local day in TIMEZONE, YYYY-MM-DD. */
                                    day: string;
                                    /** @description Requests made to the provider today. */
                                    sent: number;
                                } & {
                                    [key: string]: unknown;
                                };
                                updated_at: string | null;
                                warmup: ({
                                    days: number;
                                    start_cap: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    started_at: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a sending number (its stored credentials are erased) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sender is deleted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 2,
                         *         "deleted": true
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                /** @enum {boolean} */
                                deleted: true;
                                id: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change a sending number: pacing, caps, credentials, pause or resume
         * @description `credentials` replaces the whole set and resumes a number the provider stopped (an admin pause stays). `state: "active"` resumes it. The environment's sender takes no credentials here (409): set WA_GATEWAY's variables instead.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description The provider's settings under the names of its environment variables (docs/providers.md), e.g. `FONNTE_TOKEN`. Write-only: stored encrypted under SECRET_KEY, never returned. On PATCH the whole set is replaced.
                         * @example {
                         *       "FONNTE_TOKEN": "your-fonnte-device-token"
                         *     }
                         */
                        credentials?: {
                            [key: string]: string;
                        };
                        daily_cap?: number | null;
                        display_number?: string;
                        max_in_flight?: number | null;
                        max_per_second?: number | null;
                        name?: string | null;
                        pause_max_ms?: number | null;
                        pause_min_ms?: number | null;
                        /** @description With state `paused`: why (default "paused by an admin"). */
                        paused_reason?: string;
                        state?: "active" | "paused";
                        warmup?: {
                            /** @description Days until the cap reaches daily_cap. */
                            days: number;
                            /** @description The cap on day 0; at most daily_cap. */
                            start_cap: number;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description The sender. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 2,
                         *         "name": "Toko Bandung",
                         *         "provider": "fonnte",
                         *         "display_number": "6281234567890",
                         *         "source": "api",
                         *         "has_credentials": true,
                         *         "pause_min_ms": 3000,
                         *         "pause_max_ms": 5000,
                         *         "max_in_flight": 1,
                         *         "max_per_second": 1,
                         *         "slowed_down": null,
                         *         "daily_cap": 500,
                         *         "warmup": {
                         *           "start_cap": 50,
                         *           "days": 14,
                         *           "started_at": "2025-06-01T08:00:00.000Z"
                         *         },
                         *         "today": {
                         *           "day": "2025-06-03",
                         *           "sent": 12,
                         *           "cap": 114
                         *         },
                         *         "state": "active",
                         *         "paused_reason": null,
                         *         "paused_by": null,
                         *         "paused_at": null,
                         *         "resting_until": null,
                         *         "next_send_at": "2025-06-03T08:00:04.000Z",
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                daily_cap: number | null;
                                display_number: string | null;
                                /** @description Credentials are stored for it (they are never shown). */
                                has_credentials: boolean;
                                id: number;
                                /** @description In effect: its own value, SEND_MAX_IN_FLIGHT or the provider's default. */
                                max_in_flight: number;
                                /** @description In effect: its own value, SEND_MAX_PER_SECOND or the provider's default. */
                                max_per_second: number;
                                name: string | null;
                                next_send_at: string | null;
                                /** @description In effect: its own value, SEND_DELAY_MAX_MS or the provider's default. */
                                pause_max_ms: number;
                                /** @description In effect: its own value, SEND_DELAY_MIN_MS or the provider's default. */
                                pause_min_ms: number;
                                paused_at: string | null;
                                paused_by: ("admin" | "provider") | null;
                                paused_reason: string | null;
                                provider: string;
                                resting_until: string | null;
                                slowed_down: ({
                                    max_in_flight: number;
                                    max_per_second: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    since: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                /** @description `environment`: WA_GATEWAY and its variables. */
                                source: "environment" | "api";
                                state: "active" | "paused";
                                today: {
                                    cap: number | null;
                                    /** @description The local day in TIMEZONE, YYYY-MM-DD. */
                                    day: string;
                                    /** @description Requests made to the provider today. */
                                    sent: number;
                                } & {
                                    [key: string]: unknown;
                                };
                                updated_at: string | null;
                                warmup: ({
                                    days: number;
                                    start_cap: number;
                                    /**
                                     * Format: date-time
                                     * @description ISO-8601, UTC.
                                     */
                                    started_at: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description A dependency is down; retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/senders/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The providers a sender can use, with their credentials
         * @description What a form for POST /senders needs: each provider and the credentials it takes (names, required, secret, default).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The providers a sender can use, with the credentials each takes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "name": "fonnte",
                         *           "credentials": [
                         *             {
                         *               "name": "FONNTE_TOKEN",
                         *               "required": true,
                         *               "secret": true,
                         *               "default": null,
                         *               "choices": null
                         *             },
                         *             {
                         *               "name": "FONNTE_BASE_URL",
                         *               "required": false,
                         *               "secret": false,
                         *               "default": "https://api.fonnte.com",
                         *               "choices": null
                         *             }
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            data: ({
                                credentials: ({
                                    choices: string[] | null;
                                    default: string | null;
                                    /**
                                     * @description The credential's name, as its environment variable (docs/providers.md).
                                     * @example FONNTE_TOKEN
                                     */
                                    name: string;
                                    /** @description Must be given (it has no default). */
                                    required: boolean;
                                    /** @description A token or key: never logged. */
                                    secret: boolean;
                                } & {
                                    [key: string]: unknown;
                                })[];
                                name: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List event subscriptions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every subscription, by id. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 1,
                         *           "url": "https://crm.example.com/hooks/whatsapp-blast",
                         *           "events": [
                         *             "blast.completed",
                         *             "message.failed"
                         *           ],
                         *           "active": true,
                         *           "description": null,
                         *           "consecutive_failures": 0,
                         *           "next_attempt_at": null,
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "updated_at": "2025-06-01T08:00:00.000Z"
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": {
                            data: ({
                                active: boolean;
                                /** @description Requests failed in a row (0: the last one succeeded). */
                                consecutive_failures: number;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                description: string | null;
                                events: string[];
                                id: number;
                                next_attempt_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                url: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Subscribe a URL to events
         * @description The answer carries `secret`, the key of the `X-Whatsapp-Blast-Signature` HMAC on every delivery: it is shown only here. Only events that happen after this call are sent.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "url": "https://crm.example.com/hooks/whatsapp-blast",
                     *       "events": [
                     *         "blast.completed",
                     *         "message.failed",
                     *         "customer.opted_out"
                     *       ]
                     *     }
                     */
                    "application/json": {
                        /** @default true */
                        active?: boolean;
                        description?: string | null;
                        /** @description Any of: blast.queued, blast.started, blast.completed, blast.failed, blast.cancelled, blast.paused, message.sent, message.delivered, message.read, message.failed, customer.opted_out, sender.paused. */
                        events: ("blast.queued" | "blast.started" | "blast.completed" | "blast.failed" | "blast.cancelled" | "blast.paused" | "message.sent" | "message.delivered" | "message.read" | "message.failed" | "customer.opted_out" | "sender.paused")[];
                        /**
                         * @description http or https. Private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS=true.
                         * @example https://crm.example.com/hooks/whatsapp-blast
                         */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description The subscription, with its signing secret (shown this once). */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 1,
                         *         "url": "https://crm.example.com/hooks/whatsapp-blast",
                         *         "events": [
                         *           "blast.completed",
                         *           "message.failed"
                         *         ],
                         *         "active": true,
                         *         "description": null,
                         *         "consecutive_failures": 0,
                         *         "next_attempt_at": null,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z",
                         *         "secret": "whsec_…"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                active: boolean;
                                /** @description Requests failed in a row (0: the last one succeeded). */
                                consecutive_failures: number;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                description: string | null;
                                events: string[];
                                id: number;
                                next_attempt_at: string | null;
                                /** @description The signing secret. Shown only in this answer: store it now. */
                                secret: string;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                url: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one event subscription */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The subscription (never its secret). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 1,
                         *         "url": "https://crm.example.com/hooks/whatsapp-blast",
                         *         "events": [
                         *           "blast.completed",
                         *           "message.failed"
                         *         ],
                         *         "active": true,
                         *         "description": null,
                         *         "consecutive_failures": 0,
                         *         "next_attempt_at": null,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                active: boolean;
                                /** @description Requests failed in a row (0: the last one succeeded). */
                                consecutive_failures: number;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                description: string | null;
                                events: string[];
                                id: number;
                                next_attempt_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                url: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an event subscription and its delivery history */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The subscription and its delivery history are deleted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 1,
                         *         "deleted": true
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                /** @enum {boolean} */
                                deleted: true;
                                id: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change an event subscription: URL, events, active
         * @description `active: false` stops deliveries; events keep being recorded and wait until it is active again.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "active": false
                     *     }
                     */
                    "application/json": {
                        active?: boolean;
                        description?: string | null;
                        /** @description Any of: blast.queued, blast.started, blast.completed, blast.failed, blast.cancelled, blast.paused, message.sent, message.delivered, message.read, message.failed, customer.opted_out, sender.paused. */
                        events?: ("blast.queued" | "blast.started" | "blast.completed" | "blast.failed" | "blast.cancelled" | "blast.paused" | "message.sent" | "message.delivered" | "message.read" | "message.failed" | "customer.opted_out" | "sender.paused")[];
                        /**
                         * @description http or https. Private, loopback and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS=true.
                         * @example https://crm.example.com/hooks/whatsapp-blast
                         */
                        url?: string;
                    };
                };
            };
            responses: {
                /** @description The subscription (never its secret). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 1,
                         *         "url": "https://crm.example.com/hooks/whatsapp-blast",
                         *         "events": [
                         *           "blast.completed",
                         *           "message.failed"
                         *         ],
                         *         "active": true,
                         *         "description": null,
                         *         "consecutive_failures": 0,
                         *         "next_attempt_at": null,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "updated_at": "2025-06-01T08:00:00.000Z"
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                active: boolean;
                                /** @description Requests failed in a row (0: the last one succeeded). */
                                consecutive_failures: number;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                description: string | null;
                                events: string[];
                                id: number;
                                next_attempt_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                updated_at: string;
                                url: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A subscription's deliveries: status, attempts, last error */
        get: {
            parameters: {
                query: {
                    page: number;
                    per_page: number;
                    status?: "pending" | "delivered" | "failed";
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deliveries to this subscription, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 42,
                         *           "event_id": "3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10",
                         *           "type": "blast.completed",
                         *           "blast_id": 55,
                         *           "status": "failed",
                         *           "attempts": 19,
                         *           "last_error": "HTTP 502",
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "last_attempt_at": "2025-06-02T08:01:00.000Z",
                         *           "delivered_at": null,
                         *           "event": {
                         *             "id": "3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10",
                         *             "type": "blast.completed",
                         *             "created_at": "2025-06-01T08:00:00.000Z",
                         *             "data": {
                         *               "blast_id": 55
                         *             }
                         *           }
                         *         }
                         *       ],
                         *       "meta": {
                         *         "page": 1,
                         *         "per_page": 20,
                         *         "total": 1
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: ({
                                attempts: number;
                                blast_id: number | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                delivered_at: string | null;
                                /** @description The event as sent. */
                                event: {
                                    [key: string]: unknown;
                                };
                                /** @description The event id receivers use to drop repeats. */
                                event_id: string;
                                id: number;
                                last_attempt_at: string | null;
                                last_error: string | null;
                                status: "pending" | "delivered" | "failed";
                                type: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            meta: {
                                page: number;
                                per_page: number;
                                total: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send one delivery again (a failed one, or one the receiver lost)
         * @description It goes out at once, before newer events of the subscription, with a fresh retry period.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    deliveryId: number;
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The delivery, pending again. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 42,
                         *         "event_id": "3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10",
                         *         "type": "blast.completed",
                         *         "blast_id": 55,
                         *         "status": "pending",
                         *         "attempts": 19,
                         *         "last_error": "HTTP 502",
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "last_attempt_at": "2025-06-02T08:01:00.000Z",
                         *         "delivered_at": null,
                         *         "event": {
                         *           "id": "3b8f6a1e-6c1d-4a55-9a57-0f2f7c1f9e10",
                         *           "type": "blast.completed",
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "data": {
                         *             "blast_id": 55
                         *           }
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                attempts: number;
                                blast_id: number | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                delivered_at: string | null;
                                /** @description The event as sent. */
                                event: {
                                    [key: string]: unknown;
                                };
                                /** @description The event id receivers use to drop repeats. */
                                event_id: string;
                                id: number;
                                last_attempt_at: string | null;
                                last_error: string | null;
                                status: "pending" | "delivered" | "failed";
                                type: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a blast
         * @description JSON, or multipart/form-data with the same fields (`customer_ids`, `filter_params` and `template` as JSON text) plus an optional `image` file. Answers as soon as the blast is saved and queued; a worker sends it, pausing between messages.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Optional, 1 to 255 visible ASCII characters. The same key and body within 24 h answer the first blast again; the same key with another body is a 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "target_type": "selected",
                     *       "customer_ids": [
                     *         101,
                     *         102,
                     *         105
                     *       ],
                     *       "filter_params": {
                     *         "status": "active"
                     *       },
                     *       "message": "Halo {name}, kami ada promo spesial untuk Anda!"
                     *     }
                     */
                    "application/json": {
                        /** @description Your customer ids (the `id` you gave each customer), with target_type `selected`. */
                        customer_ids?: number[];
                        filter_params?: {
                            attributes?: {
                                [key: string]: string | number;
                            };
                            search?: string;
                            status?: string | string[];
                        };
                        /** @example Halo {name}, kami ada promo spesial untuk Anda! */
                        message?: string;
                        /**
                         * @description This blast's quiet hours in TIMEZONE, `HH:MM-HH:MM` or `off`; default QUIET_HOURS.
                         * @example 21:00-08:00
                         */
                        quiet_hours?: string;
                        /**
                         * Format: date-time
                         * @description Send from this time on (ISO-8601 with offset); the blast is `scheduled` until then.
                         * @example 2026-12-01T09:00:00+07:00
                         */
                        send_at?: string;
                        /** @description Send only from these senders (default: every active sender). */
                        sender_ids?: number[];
                        target_type: "selected" | "all" | "filter";
                        template?: {
                            /**
                             * @default []
                             * @example [
                             *       "{name}",
                             *       "{city}"
                             *     ]
                             */
                            body_params: string[];
                            /** @example id */
                            language: string;
                            /** @example promo_juni */
                            name: string;
                        };
                        title?: string | null;
                    };
                    /**
                     * @example {
                     *       "target_type": "selected",
                     *       "customer_ids": "[101,102,105]",
                     *       "filter_params": "{\"status\":\"active\"}",
                     *       "message": "Halo {name}, kami ada promo spesial untuk Anda!"
                     *     }
                     */
                    "multipart/form-data": {
                        /** @description JSON text, for example `[101,102,105]`. */
                        customer_ids?: string;
                        /** @description JSON text, for example `{"status":"active"}`. */
                        filter_params?: string;
                        /**
                         * Format: binary
                         * @description JPEG or PNG (judged by its bytes), at most 5 MB.
                         */
                        image?: string;
                        /** @example Halo {name}, kami ada promo spesial untuk Anda! */
                        message?: string;
                        /**
                         * @description This blast's quiet hours in TIMEZONE, `HH:MM-HH:MM` or `off`; default QUIET_HOURS.
                         * @example 21:00-08:00
                         */
                        quiet_hours?: string;
                        /**
                         * Format: date-time
                         * @description Send from this time on (ISO-8601 with offset); the blast is `scheduled` until then.
                         * @example 2026-12-01T09:00:00+07:00
                         */
                        send_at?: string;
                        /** @description JSON text, for example `[1,2]`. */
                        sender_ids?: string;
                        target_type: "selected" | "all" | "filter";
                        /** @description JSON text, for example `{"name":"promo_juni","language":"id","body_params":["{name}"]}`. */
                        template?: string;
                        title?: string;
                    };
                };
            };
            responses: {
                /** @description Saved and queued; follow it with GET /api/v1/whatsapp/blast/{id}. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "message": "Blast message has been queued successfully.",
                         *       "blast_id": 55
                         *     }
                         */
                        "application/json": {
                            blast_id: number;
                            message: string;
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one blast with its progress */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The blast, its message and its progress. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 55,
                         *         "title": "Promo Juni",
                         *         "admin_id": 1,
                         *         "status": "completed",
                         *         "status_reason": null,
                         *         "waiting": null,
                         *         "send_at": null,
                         *         "quiet_hours": null,
                         *         "target_type": "selected",
                         *         "target_count": 3,
                         *         "sent_count": 3,
                         *         "delivered_count": 2,
                         *         "read_count": 1,
                         *         "failed_count": 0,
                         *         "pending_count": 0,
                         *         "skipped_count": 0,
                         *         "recipients_resolved": true,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "started_at": "2025-06-01T08:00:01.000Z",
                         *         "completed_at": "2025-06-01T08:00:12.000Z",
                         *         "message_template": "Halo {name}, kami ada promo spesial untuk Anda!",
                         *         "sender_ids": null,
                         *         "template": null,
                         *         "customer_ids": [
                         *           101,
                         *           102,
                         *           105
                         *         ],
                         *         "image": null
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                /** @description With target_type `selected`. */
                                customer_ids?: number[];
                                delivered_count: number;
                                failed_count: number;
                                /** @description With target_type `filter`. */
                                filter_params?: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                image: ({
                                    mime: string | null;
                                    size: number | null;
                                    url: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                message_template: string;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sender_ids: number[] | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                template: ({
                                    body_params: string[];
                                    language: string;
                                    name: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a blast: recipients not yet sent are never sent */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The blast, its message and its progress. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 55,
                         *         "title": "Promo Juni",
                         *         "admin_id": 1,
                         *         "status": "completed",
                         *         "status_reason": null,
                         *         "waiting": null,
                         *         "send_at": null,
                         *         "quiet_hours": null,
                         *         "target_type": "selected",
                         *         "target_count": 3,
                         *         "sent_count": 3,
                         *         "delivered_count": 2,
                         *         "read_count": 1,
                         *         "failed_count": 0,
                         *         "pending_count": 0,
                         *         "skipped_count": 0,
                         *         "recipients_resolved": true,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "started_at": "2025-06-01T08:00:01.000Z",
                         *         "completed_at": "2025-06-01T08:00:12.000Z",
                         *         "message_template": "Halo {name}, kami ada promo spesial untuk Anda!",
                         *         "sender_ids": null,
                         *         "template": null,
                         *         "customer_ids": [
                         *           101,
                         *           102,
                         *           105
                         *         ],
                         *         "image": null
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                /** @description With target_type `selected`. */
                                customer_ids?: number[];
                                delivered_count: number;
                                failed_count: number;
                                /** @description With target_type `filter`. */
                                filter_params?: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                image: ({
                                    mime: string | null;
                                    size: number | null;
                                    url: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                message_template: string;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sender_ids: number[] | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                template: ({
                                    body_params: string[];
                                    language: string;
                                    name: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a blast live (Server-Sent Events)
         * @description A `progress` event with the blast (as in history) whenever it changes, then `end` with its final `status`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The event stream. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the recipients of a blast and what happened to each */
        get: {
            parameters: {
                query: {
                    cursor?: number;
                    page: number;
                    per_page: number;
                    /** @description Part of the number sent to, or of the customer's name or phone (any case). */
                    search?: string;
                    status?: "pending" | "sending" | "sent" | "delivered" | "read" | "failed" | "skipped" | "cancelled";
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of the blast's recipients; big blasts page with `cursor`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 9001,
                         *           "customer_id": 101,
                         *           "customer_name": "Budi",
                         *           "phone_number": "6281234567890",
                         *           "status": "sent",
                         *           "error_message": null,
                         *           "attempts": 1,
                         *           "provider_message_id": "wamid.HBgM",
                         *           "sent_at": "2025-06-01T08:00:04.000Z",
                         *           "delivered_at": null,
                         *           "read_at": null,
                         *           "updated_at": "2025-06-01T08:00:04.000Z"
                         *         }
                         *       ],
                         *       "meta": {
                         *         "page": 1,
                         *         "per_page": 20,
                         *         "total": 1,
                         *         "next_cursor": null
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: ({
                                attempts: number;
                                customer_id: number;
                                customer_name: string | null;
                                delivered_at: string | null;
                                error_message: string | null;
                                id: number;
                                phone_number: string | null;
                                provider_message_id: string | null;
                                read_at: string | null;
                                sender_id: number | null;
                                sent_at: string | null;
                                /** @description `pending`, `sending`, `sent`, `delivered`, `read`, `failed` or `skipped` (later versions may add states). */
                                status: string;
                                updated_at: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            meta: {
                                next_cursor: number | null;
                                page: number;
                                per_page: number;
                                total: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a blast (answers once the sends in flight are recorded) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The blast, its message and its progress. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 55,
                         *         "title": "Promo Juni",
                         *         "admin_id": 1,
                         *         "status": "completed",
                         *         "status_reason": null,
                         *         "waiting": null,
                         *         "send_at": null,
                         *         "quiet_hours": null,
                         *         "target_type": "selected",
                         *         "target_count": 3,
                         *         "sent_count": 3,
                         *         "delivered_count": 2,
                         *         "read_count": 1,
                         *         "failed_count": 0,
                         *         "pending_count": 0,
                         *         "skipped_count": 0,
                         *         "recipients_resolved": true,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "started_at": "2025-06-01T08:00:01.000Z",
                         *         "completed_at": "2025-06-01T08:00:12.000Z",
                         *         "message_template": "Halo {name}, kami ada promo spesial untuk Anda!",
                         *         "sender_ids": null,
                         *         "template": null,
                         *         "customer_ids": [
                         *           101,
                         *           102,
                         *           105
                         *         ],
                         *         "image": null
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                /** @description With target_type `selected`. */
                                customer_ids?: number[];
                                delivered_count: number;
                                failed_count: number;
                                /** @description With target_type `filter`. */
                                filter_params?: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                image: ({
                                    mime: string | null;
                                    size: number | null;
                                    url: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                message_template: string;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sender_ids: number[] | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                template: ({
                                    body_params: string[];
                                    language: string;
                                    name: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused blast */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The blast, its message and its progress. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": {
                         *         "id": 55,
                         *         "title": "Promo Juni",
                         *         "admin_id": 1,
                         *         "status": "completed",
                         *         "status_reason": null,
                         *         "waiting": null,
                         *         "send_at": null,
                         *         "quiet_hours": null,
                         *         "target_type": "selected",
                         *         "target_count": 3,
                         *         "sent_count": 3,
                         *         "delivered_count": 2,
                         *         "read_count": 1,
                         *         "failed_count": 0,
                         *         "pending_count": 0,
                         *         "skipped_count": 0,
                         *         "recipients_resolved": true,
                         *         "created_at": "2025-06-01T08:00:00.000Z",
                         *         "started_at": "2025-06-01T08:00:01.000Z",
                         *         "completed_at": "2025-06-01T08:00:12.000Z",
                         *         "message_template": "Halo {name}, kami ada promo spesial untuk Anda!",
                         *         "sender_ids": null,
                         *         "template": null,
                         *         "customer_ids": [
                         *           101,
                         *           102,
                         *           105
                         *         ],
                         *         "image": null
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: {
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                /** @description With target_type `selected`. */
                                customer_ids?: number[];
                                delivered_count: number;
                                failed_count: number;
                                /** @description With target_type `filter`. */
                                filter_params?: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                image: ({
                                    mime: string | null;
                                    size: number | null;
                                    url: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                message_template: string;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sender_ids: number[] | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                template: ({
                                    body_params: string[];
                                    language: string;
                                    name: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry the failed recipients of a blast
         * @description The body is optional; `{"error": "..."}` retries only the recipients whose error contains that text. Answers `requeued`, the number retried.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Only recipients whose error contains this text. */
                        error?: string;
                    };
                };
            };
            responses: {
                /** @description The blast, its message and its progress. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                /** @description With target_type `selected`. */
                                customer_ids?: number[];
                                delivered_count: number;
                                failed_count: number;
                                /** @description With target_type `filter`. */
                                filter_params?: {
                                    [key: string]: unknown;
                                };
                                id: number;
                                image: ({
                                    mime: string | null;
                                    size: number | null;
                                    url: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                message_template: string;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sender_ids: number[] | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                template: ({
                                    body_params: string[];
                                    language: string;
                                    name: string;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @description How many failed recipients were queued again. */
                            requeued: number;
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Conflicts with the current state. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List blasts, newest first */
        get: {
            parameters: {
                query: {
                    page: number;
                    per_page: number;
                    status?: "scheduled" | "queued" | "processing" | "paused" | "completed" | "cancelled" | "failed";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of blasts, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "data": [
                         *         {
                         *           "id": 55,
                         *           "title": "Promo Juni",
                         *           "admin_id": 1,
                         *           "status": "completed",
                         *           "status_reason": null,
                         *           "waiting": null,
                         *           "send_at": null,
                         *           "quiet_hours": null,
                         *           "target_type": "selected",
                         *           "target_count": 3,
                         *           "sent_count": 3,
                         *           "delivered_count": 2,
                         *           "read_count": 1,
                         *           "failed_count": 0,
                         *           "pending_count": 0,
                         *           "skipped_count": 0,
                         *           "recipients_resolved": true,
                         *           "created_at": "2025-06-01T08:00:00.000Z",
                         *           "started_at": "2025-06-01T08:00:01.000Z",
                         *           "completed_at": "2025-06-01T08:00:12.000Z"
                         *         }
                         *       ],
                         *       "meta": {
                         *         "page": 1,
                         *         "per_page": 20,
                         *         "total": 1
                         *       }
                         *     }
                         */
                        "application/json": {
                            data: ({
                                admin_id: number;
                                completed_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description ISO-8601, UTC.
                                 */
                                created_at: string;
                                delivered_count: number;
                                failed_count: number;
                                id: number;
                                pending_count: number;
                                quiet_hours: string | null;
                                read_count: number;
                                /** @description Whether the worker has resolved the recipients (and target_count is final). */
                                recipients_resolved: boolean;
                                send_at: string | null;
                                sent_count: number;
                                skipped_count: number;
                                started_at: string | null;
                                /** @description `scheduled`, `queued`, `processing`, `paused`, `completed`, `cancelled` or `failed`. */
                                status: string;
                                status_reason: string | null;
                                target_count: number;
                                /** @description `selected`, `all` or `filter`. */
                                target_type: string;
                                title: string | null;
                                waiting: ({
                                    message: string;
                                    /** @description `scheduled`, `quiet_hours`, `daily_cap` or `no_sender`. */
                                    reason: string;
                                    until: string | null;
                                } & {
                                    [key: string]: unknown;
                                }) | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            meta: {
                                page: number;
                                per_page: number;
                                total: number;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What a new blast can use: placeholders, customer statuses, time zone, default quiet hours */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What a new blast can use. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** @description The statuses customers have (at most 100), for filter_params.status. */
                                customer_statuses: string[];
                                /** @description What a message may hold in braces: the customer fields, then every attribute key seen. */
                                placeholders: string[];
                                quiet_hours: string | null;
                                /** @description TIMEZONE: quiet hours and daily caps are in this zone. */
                                time_zone: string;
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/api/v1/whatsapp/blast/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Preview a blast: render it for a few customers, sending nothing */
        post: {
            parameters: {
                query: {
                    /** @description How many customers of the audience to render. */
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "target_type": "selected",
                     *       "customer_ids": [
                     *         101,
                     *         102,
                     *         105
                     *       ],
                     *       "filter_params": {
                     *         "status": "active"
                     *       },
                     *       "message": "Halo {name}, kami ada promo spesial untuk Anda!"
                     *     }
                     */
                    "application/json": {
                        /** @description Your customer ids (the `id` you gave each customer), with target_type `selected`. */
                        customer_ids?: number[];
                        filter_params?: {
                            attributes?: {
                                [key: string]: string | number;
                            };
                            search?: string;
                            status?: string | string[];
                        };
                        /** @example Halo {name}, kami ada promo spesial untuk Anda! */
                        message?: string;
                        /**
                         * @description This blast's quiet hours in TIMEZONE, `HH:MM-HH:MM` or `off`; default QUIET_HOURS.
                         * @example 21:00-08:00
                         */
                        quiet_hours?: string;
                        /**
                         * Format: date-time
                         * @description Send from this time on (ISO-8601 with offset); the blast is `scheduled` until then.
                         * @example 2026-12-01T09:00:00+07:00
                         */
                        send_at?: string;
                        /** @description Send only from these senders (default: every active sender). */
                        sender_ids?: number[];
                        target_type: "selected" | "all" | "filter";
                        template?: {
                            /**
                             * @default []
                             * @example [
                             *       "{name}",
                             *       "{city}"
                             *     ]
                             */
                            body_params: string[];
                            /** @example id */
                            language: string;
                            /** @example promo_juni */
                            name: string;
                        };
                        title?: string | null;
                    };
                };
            };
            responses: {
                /** @description The blast as it would be sent to the first customers of its audience. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: ({
                                customer_id: number;
                                name: string;
                                reason: string | null;
                                template_params?: string[];
                                text: string | null;
                                whatsapp_number: string | null;
                                would_send: boolean;
                            } & {
                                [key: string]: unknown;
                            })[];
                            meta: {
                                audience: {
                                    /** @description How many would be sent to (the recipient count): a usable number, not opted out, not a number already in the blast. A message missing a value is shown in `data`. */
                                    sendable: number;
                                    /** @description How many would be skipped: opted out, no usable number, or a number already in the blast. */
                                    skipped: number;
                                    /** @description Customers in the audience now. */
                                    total: number;
                                } & {
                                    [key: string]: unknown;
                                };
                            } & {
                                [key: string]: unknown;
                            };
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Malformed request (for example a body that is not valid JSON). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description This content type (or file type) is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description Well-formed but invalid; `errors` names the fields. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "status": "ok"
                         *     }
                         */
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
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
    "/media/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A blast image (for providers that fetch media by URL)
         * @description No bearer token: the address itself is the secret.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The unguessable token in the image URL. */
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The image. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "image/jpeg": string;
                        "image/png": string;
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Prometheus text format: messages by outcome, provider and sender; send latency; queue depth; blasts by state; process metrics. When `METRICS_TOKEN` is set, needs `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); no admin token.
         */
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
                    content?: never;
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
        /**
         * The database is reachable
         * @description Answers 503 with `Retry-After` while the database cannot be reached.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready to serve. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true,
                         *       "status": "ready"
                         *     }
                         */
                        "application/json": {
                            /** @enum {string} */
                            status: "ready";
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description A dependency is down; retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/webhooks/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Subscription handshake (Meta)
         * @description Answers `hub.challenge` when `hub.verify_token` equals `META_VERIFY_TOKEN`, else 403.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description A provider some sender uses: `meta`, `twilio` or `fonnte` (Watzap posts no receipts).
                     * @example meta
                     */
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The `hub.challenge` echoed back. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description The verify token does not match. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Delivery receipts and inbound messages
         * @description Meta: `X-Hub-Signature-256` = HMAC-SHA256(`META_APP_SECRET`, raw body). Twilio: `X-Twilio-Signature` over `PUBLIC_BASE_URL` + path and the sorted form fields. A verified request gets 200 quickly, even when it carries nothing we use.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description A provider some sender uses: `meta`, `twilio` or `fonnte` (Watzap posts no receipts).
                     * @example meta
                     */
                    provider: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                    "application/x-www-form-urlencoded": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Done. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true
                         *     }
                         */
                        "application/json": {
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
    "/webhooks/{provider}/{secret}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delivery receipts and inbound messages, verified by a secret path (Fonnte)
         * @description `:secret` must equal `FONNTE_WEBHOOK_TOKEN` (compared in constant time).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /**
                     * @description A provider some sender uses: `meta`, `twilio` or `fonnte` (Watzap posts no receipts).
                     * @example meta
                     */
                    provider: string;
                    /** @description The shared secret path segment. */
                    secret: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                    "application/x-www-form-urlencoded": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Done. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "success": true
                         *     }
                         */
                        "application/json": {
                            /** @enum {boolean} */
                            success: true;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description No such resource. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
                    };
                };
                /** @description The body or the uploaded file is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErrorBody"];
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
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "success": false,
         *       "message": "The request body has invalid fields.",
         *       "errors": [
         *         {
         *           "field": "message",
         *           "message": "is required"
         *         }
         *       ]
         *     }
         */
        ErrorBody: {
            /** @description The fields to blame, when there are any. */
            errors: ({
                field: string;
                message: string;
            } & {
                [key: string]: unknown;
            })[];
            /** @description One human sentence. */
            message: string;
            /** @enum {boolean} */
            success: false;
        } & {
            [key: string]: unknown;
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
