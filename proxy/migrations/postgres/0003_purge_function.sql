-- The audit retention purge as a function that runs with the schema owner's rights, so that
-- orgdesk's runtime role needs neither DELETE on audit_log nor UPDATE on audit_retention: it
-- can purge only by this rule (rows older than a retention of at least a day, measured by the
-- server's clock), and the guard trigger still refuses anything younger.
CREATE FUNCTION orgdesk_purge_audit(keep_days INTEGER) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    deleted BIGINT;
BEGIN
    IF keep_days IS NULL OR keep_days < 1 THEN
        RAISE EXCEPTION 'the retention must be at least one day';
    END IF;
    UPDATE audit_retention SET days = keep_days WHERE id = 1;
    DELETE FROM audit_log
        WHERE at < extract(epoch FROM now())::BIGINT - keep_days::BIGINT * 86400;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION orgdesk_purge_audit(INTEGER) FROM PUBLIC;
