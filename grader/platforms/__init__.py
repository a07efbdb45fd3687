"""Running the grader inside Gradescope and PrairieLearn.

Host side: `grader export gradescope|prairielearn` packages an assignment in the platform's layout
(`gradescope_export`, `prairielearn_export`, the wheels it needs in `requirements`). Platform side: the entry points
that run in the platform's container (`gradescope_entry`, `prairielearn_entry`, both built on `entry`) grade with the
same pipeline as `grader grade`, and always leave a results file in the platform's format.
"""
