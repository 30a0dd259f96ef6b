// PostGraphile v5 over our own tables (schema public), as the side-by-side comparison runs it:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/accountplan_bench PORT=5678 npm start --prefix graph/loadtest/postgraphile
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
export default {
  extends: [
    PostGraphileAmberPreset,
    PgSimplifyInflectionPreset,
    PgAggregatesPreset,
    PostGraphileConnectionFilterPreset,
  ],
  // Filters and orders on every column, as ours allows, not only on indexed ones.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString:
        process.env.DATABASE_URL ??
        "postgres://postgres@127.0.0.1:5432/accountplan_bench",
      schemas: ["public"],
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphqlPath: "/graphql",
    graphiql: false,
  },
  grafast: { explain: false },
};
