-- Guest invitations and reminders by email (PostgreSQL): two more notification
-- types, and the guest a notification is about (so the guests table shows
-- each guest's delivery state).
ALTER TABLE notifications DROP CONSTRAINT notifications_type_check,
  ADD CONSTRAINT notifications_type_check CHECK (type IN ('rsvp_confirmation', 'fraud_alert',
    'collaborator_invite', 'guest_invitation', 'guest_reminder'));
ALTER TABLE notifications ADD COLUMN guest_id BIGINT REFERENCES guests (id) ON DELETE SET NULL;
CREATE INDEX notifications_guest ON notifications (guest_id, id);
