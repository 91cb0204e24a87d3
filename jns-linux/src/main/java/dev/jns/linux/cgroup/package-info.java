/**
 * The sandbox's cgroup (issue 15): what the host's cgroup hierarchies are ({@link dev.jns.linux.cgroup.CgroupHost}),
 * and the directories and limit files one sandbox gets ({@link dev.jns.linux.cgroup.CgroupPlan}), which the launcher
 * creates, joins, kills, reads and removes.
 */
package dev.jns.linux.cgroup;
