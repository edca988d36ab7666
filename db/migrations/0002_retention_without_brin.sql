DROP INDEX "check_results_checked_brin";--> statement-breakpoint
DROP INDEX "check_rollups_hourly_hour_brin";