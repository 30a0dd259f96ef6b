// Relay documents a frontend would write against this API: a refetchable,
// paginated account list and, per account, a refetchable stakeholder list.
import { graphql } from 'react-relay';

graphql`
  fragment fragmentsAccountList_query on Query
  @refetchable(queryName: "AccountListRefetchQuery")
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 10 }
    after: { type: "Cursor" }
    where: { type: "AccountWhereInput" }
  ) {
    accounts(first: $first, after: $after, where: $where, orderBy: [{ field: NAME }])
      @connection(key: "AccountList_accounts", filters: ["where"]) {
      totalCount
      edges {
        node {
          id
          name
          tier
          annualRevenue
          currency
          ...fragmentsStakeholders_account
        }
      }
    }
  }
`;

graphql`
  fragment fragmentsStakeholders_account on Account
  @refetchable(queryName: "AccountStakeholdersRefetchQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "Cursor" }) {
    id
    stakeholders(first: $first, after: $after, orderBy: [{ field: RANK, direction: DESC }])
      @connection(key: "AccountStakeholders_stakeholders") {
      edges {
        node {
          id
          name
          title
          rank
          influence
          support
          politicalStatus
          reportsTo {
            id
            name
          }
        }
      }
    }
  }
`;

graphql`
  query fragmentsAppQuery {
    ...fragmentsAccountList_query
  }
`;

graphql`
  mutation fragmentsDeleteAccountMutation($id: ID!, $connections: [ID!]!) {
    deleteAccount(id: $id) @deleteEdge(connections: $connections)
  }
`;
