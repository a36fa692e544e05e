-- The door role (door staff: the door view and check-ins of one event) for
-- members and collaborator invites (PostgreSQL).
ALTER TABLE event_members DROP CONSTRAINT event_members_role_check,
  ADD CONSTRAINT event_members_role_check CHECK (role IN ('owner', 'editor', 'viewer', 'door'));
ALTER TABLE event_invites DROP CONSTRAINT event_invites_role_check,
  ADD CONSTRAINT event_invites_role_check CHECK (role IN ('owner', 'editor', 'viewer', 'door'));
