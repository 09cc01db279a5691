"""Rules the services apply, as pure computations: backlog priority, KPIs, the funnel, edit
conflicts."""
